import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { InjectLogger, InjectRedis, Public } from '@yg/core';

/** All the public learns of a check; the reason goes to the log, with the request id. */
type Check = { ok: boolean };

@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: Redis,
    @InjectLogger() logger: Logger,
  ) {
    this.logger = logger.child({ context: 'health' });
  }

  private readonly logger: Logger;

  /** The process is up. */
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Postgres and Redis answer and every migration is applied. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: FastifyReply) {
    const [postgres, redis, migrations] = await Promise.all([
      this.check('postgres', async () => void (await this.dataSource.query('SELECT 1'))),
      this.check('redis', async () => {
        const pong = await withTimeout(this.redis.ping(), 1000);
        if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
      }),
      this.check('migrations', async () => {
        if (await this.dataSource.showMigrations()) throw new Error('pending migrations');
      }),
    ]);
    const ok = postgres.ok && redis.ok && migrations.ok;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis, migrations } };
  }

  private async check(name: string, fn: () => Promise<void>): Promise<Check> {
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      // Host names, ports and driver messages help an operator and an attacker alike.
      this.logger.warn({ check: name, reason: (err as Error).message }, `readiness check ${name} failed`);
      return { ok: false };
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref(),
    ),
  ]);
}
