import { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import {
  aliasLimitRule,
  AppConfig,
  createErrorFormatter,
  GqlContext,
  Loaders,
  refuseMalformedInput,
  servePreloadedFields,
  shapeLimitRule,
} from '@yg/core';
import type { AuditService } from '@yg/audit';
import { oneLoginRule } from '@yg/identity';
import { auditPlugin } from './audit.plugin';
import { costLimitPlugin } from './cost.plugin';
import type { ContextRequest } from '../http/request-context.hook';
import type { ApiMetrics } from '../metrics/api-metrics';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.plugin';
import { unavailablePlugin } from './unavailable.plugin';
import { selfHostedGraphiqlPlugin } from '../web/static-assets';

export function graphqlOptions(
  config: AppConfig,
  logger: Logger,
  audit: AuditService,
  metrics: ApiMetrics,
): ApolloDriverConfig {
  const prod = config.isProduction;
  return {
    path: '/graphql',
    // Built in memory; `npm run schema:print` writes the committed copy.
    autoSchemaFile: true,
    sortSchema: true,
    introspection: !prod,
    // @nestjs/apollo's GraphiQL loads from a CDN; ours (plugins below) is served by this api.
    graphiql: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // Nest otherwise resets every response with a `data` key to 200, the outage plugin's 503 too.
    // No error here carries its own HTTP status (the formatter rebuilds every one).
    preserveHttpStatusForExecutionErrors: false,
    // Every limit applies before authentication: validation and parsing come first.
    parseOptions: { maxTokens: config.graphql.maxTokens },
    validationRules: [
      shapeLimitRule(config.graphql),
      aliasLimitRule(config.graphql.maxAliases),
      oneLoginRule,
    ],
    // @nestjs/apollo loads @apollo/server's ESM build and this file its CJS build; the plugin
    // objects are plain and fit both, only the declared types differ.
    // Responses are per-user and never cached; the default cache-control plugin would wrap
    // every field resolver of every query for nothing.
    plugins: [
      ApolloServerPluginCacheControlDisabled(),
      costLimitPlugin(config.graphql.maxCost),
      auditPlugin(audit),
      graphqlMetricsPlugin(metrics),
      unavailablePlugin(),
      ...(prod ? [] : [selfHostedGraphiqlPlugin('/graphql')]),
    ] as ApolloDriverConfig['plugins'],
    transformSchema: (schema) => refuseMalformedInput(servePreloadedFields(schema)),
    formatError: createErrorFormatter(logger.child({ context: 'graphql' }), !prod),
    // Apollo's Fastify integration hands the context function the request itself.
    context: (req: ContextRequest): GqlContext => ({
      req: req as GqlContext['req'],
      loaders: new Loaders(req.user),
    }),
  };
}
