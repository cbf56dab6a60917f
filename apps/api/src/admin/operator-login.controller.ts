import { Body, Controller, HttpCode, HttpException, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, Public } from '@yg/core';
import { OperatorsService } from '@yg/identity';

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  ACCOUNT_LOCKED: 401,
  RATE_LIMITED: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Platform operators log in here (not through GraphQL, which serves tenants only):
 * `POST /admin/login` with `{ "username", "password" }` answers `{ token, expiresAt, canWrite }`.
 * The same rate limits, lockout and trail as tenant logins apply.
 */
@Controller('admin')
export class OperatorLoginController {
  constructor(private readonly operators: OperatorsService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Res({ passthrough: true }) res: FastifyReply) {
    const { username, password } = (body ?? {}) as { username?: unknown; password?: unknown };
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      !username ||
      !password ||
      username.length > 64 ||
      password.length > 128
    ) {
      throw new HttpException(
        { code: 'BAD_USER_INPUT', message: '请提供用户名和密码 (username and password are required)' },
        400,
      );
    }
    try {
      return await this.operators.login(username, password);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const retry = err.details.retryAfterSeconds;
      if (typeof retry === 'number') res.header('retry-after', String(retry));
      throw new HttpException(
        { code: err.code, message: err.message, ...err.details },
        STATUS[err.code] ?? 400,
      );
    }
  }
}
