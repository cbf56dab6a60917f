import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Server } from 'socket.io';
import { BoundedLabel, METRICS_REGISTRY, MetricsRegistry } from '@yg/core';

/** Distinct GraphQL operation names kept as labels; later names count as "other". */
export const MAX_OPERATION_NAMES = 200;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Wildcard routes (plugins', static files'), named by their mount point. */
const MOUNTS = ['/graphql', '/admin/queues', '/metrics', '/health', '/console', '/graphiql-assets'];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The api's own instruments. Every label comes from a bounded set: the matched route (never the
 * raw URL), the method, the status, the operation type, a bounded operation name, an error code.
 */
@Injectable()
export class ApiMetrics {
  readonly operationNames = new BoundedLabel(MAX_OPERATION_NAMES);
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly operationDuration: Histogram<'operation' | 'type'>;
  readonly graphqlErrors: Counter<'operation' | 'type' | 'code'>;
  private socketServer?: () => Server | undefined;

  constructor(@Inject(METRICS_REGISTRY) registry: MetricsRegistry) {
    const registers = [registry];
    this.httpDuration = new Histogram({
      name: 'yg_http_request_duration_seconds',
      help: 'HTTP requests by method, matched route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'yg_graphql_operation_duration_seconds',
      help: 'GraphQL operations by name (bounded) and type; "invalid" for documents that did not parse or validate',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.graphqlErrors = new Counter({
      name: 'yg_graphql_errors_total',
      help: 'Errors in GraphQL answers by operation, type and extensions.code',
      labelNames: ['operation', 'type', 'code'],
      registers,
    });
    const sockets = () => this.socketServer?.();
    new Gauge({
      name: 'yg_socket_connections',
      help: 'socket.io connections open on this api process',
      registers,
      collect() {
        this.set(sockets()?.of('/').sockets.size ?? 0);
      },
    });
  }

  /** The socket.io server, once the adapter has made it. */
  watchSockets(server: () => Server | undefined) {
    this.socketServer = server;
  }

  /** Counts one answered HTTP request and how long it took (the request hook times it). */
  observeHttp(req: FastifyRequest, statusCode: number, seconds: number) {
    this.httpDuration.observe(
      {
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        route: routeOf(req),
        status: String(statusCode),
      },
      seconds,
    );
  }
}

/** The route a request matched, as declared (`/health/ready`), never the URL it came with. */
export function routeOf(req: FastifyRequest): string {
  // Fastify's 404 route has no URL; a wildcard says nothing of the target but its mount.
  const declared = req.routeOptions.url;
  if (declared === undefined) return 'unmatched';
  if (!declared.includes('*')) return declared.slice(0, 100);
  return MOUNTS.find((m) => declared === m || declared.startsWith(`${m}/`)) ?? 'unmatched';
}
