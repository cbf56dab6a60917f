import { Module } from '@nestjs/common';
import { MetricsModule } from '@yg/core';
import { OutboxMetrics } from '@yg/outbox';
import { ApiMetrics } from './api-metrics';
import { MetricsController } from './metrics.controller';

/** The api's metrics: process, HTTP, GraphQL, queues, outbox backlog, sockets. */
@Module({
  imports: [MetricsModule.forRoot({ port: (config) => config.metrics.apiPort })],
  controllers: [MetricsController],
  providers: [ApiMetrics, OutboxMetrics],
  exports: [ApiMetrics],
})
export class ApiMetricsModule {}
