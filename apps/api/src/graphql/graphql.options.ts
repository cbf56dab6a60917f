import { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from 'pino';
import type { Request } from 'express';
import {
  aliasLimitRule,
  AppConfig,
  AuthUser,
  createErrorFormatter,
  depthLimitRule,
  GqlContext,
  Loaders,
  servePreloadedFields,
} from '@yg/core';
import type { AuditService } from '@yg/audit';
import { oneLoginRule } from '@yg/identity';
import { auditPlugin } from './audit.plugin';
import { costLimitPlugin } from './cost.plugin';

export function graphqlOptions(config: AppConfig, logger: Logger, audit: AuditService): ApolloDriverConfig {
  const prod = config.isProduction;
  return {
    path: '/graphql',
    // Built in memory; `npm run schema:print` writes the committed copy.
    autoSchemaFile: true,
    sortSchema: true,
    introspection: !prod,
    graphiql: !prod,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    validationRules: [
      depthLimitRule(config.graphql.maxDepth),
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
    ] as ApolloDriverConfig['plugins'],
    transformSchema: servePreloadedFields,
    formatError: createErrorFormatter(logger.child({ context: 'graphql' }), !prod),
    context: ({ req }: { req: Request & { user?: AuthUser } }): GqlContext => ({
      req: req as GqlContext['req'],
      loaders: new Loaders(req.user),
    }),
  };
}
