import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, METRICS_REGISTRY, MetricsRegistry, Public } from '@yg/core';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `/metrics` on the main port, for deployments that expose one port only: on when
 * `METRICS_TOKEN` is set, and then only with `Authorization: Bearer <METRICS_TOKEN>`.
 */
@Controller('metrics')
@Public()
export class MetricsController {
  private readonly token?: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(METRICS_REGISTRY) private readonly registry: MetricsRegistry,
  ) {
    this.token = config.metrics.token ? digest(config.metrics.token) : undefined;
  }

  @Get()
  async scrape(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    // Off, it is a path like any other no route serves, and answers as one.
    if (!this.token) return void res.callNotFound();
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? digest(header.slice(7).trim()) : undefined;
    if (!given || !timingSafeEqual(given, this.token)) {
      res
        .status(401)
        .header('www-authenticate', 'Bearer')
        .send({ code: 'UNAUTHENTICATED', message: '需要指标令牌 (a metrics token is required)' });
      return;
    }
    res.header('content-type', this.registry.contentType).send(await this.registry.metrics());
  }
}
