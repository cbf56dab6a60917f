import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { InjectRedis, Public } from '@yg/core';

type Check = { ok: boolean; detail?: string };

@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  /** The process is up. */
  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  /** Postgres and Redis answer and every migration is applied. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const [postgres, redis, migrations] = await Promise.all([
      this.check(async () => void (await this.dataSource.query('SELECT 1'))),
      this.check(async () => {
        const pong = await withTimeout(this.redis.ping(), 1000);
        if (pong !== 'PONG') throw new Error(`unexpected reply ${pong}`);
      }),
      this.check(async () => {
        if (await this.dataSource.showMigrations()) throw new Error('pending migrations');
      }),
    ]);
    const ok = postgres.ok && redis.ok && migrations.ok;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis, migrations } };
  }

  private async check(fn: () => Promise<void>): Promise<Check> {
    try {
      await fn();
      return { ok: true };
    } catch (err) {
      return { ok: false, detail: (err as Error).message };
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
