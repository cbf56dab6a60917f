import { DynamicModule, Module } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { METRICS_REGISTRY } from './metrics';
import { MetricsServer } from './metrics-server';
import { QueueMetrics } from './queue-metrics';

/**
 * A registry for the process, process metrics (CPU, memory, event loop, GC), queue depths, and
 * the listener on the process's own metrics port (`METRICS_PORT` for the api,
 * `WORKER_METRICS_PORT` for the worker).
 */
@Module({})
export class MetricsModule {
  static forRoot(opts: { port: (config: AppConfig) => number }): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      providers: [
        {
          provide: METRICS_REGISTRY,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => {
            const registry = new Registry();
            // Only when something can scrape: each call starts its own event-loop monitor.
            if (opts.port(config) || config.metrics.token) collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        {
          provide: MetricsServer,
          inject: [METRICS_REGISTRY, APP_CONFIG],
          useFactory: (registry: Registry, config: AppConfig) =>
            new MetricsServer(registry, config.metrics.host, opts.port(config)),
        },
        QueueMetrics,
      ],
      exports: [METRICS_REGISTRY],
    };
  }
}
