import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import type { AppConfig, ProcessOptions } from '@yg/core';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { PASSWORD } from './fixtures';

export interface GqlResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions?: Record<string, any>; path?: (string | number)[] }[];
}

/** The whole api over HTTP, as a client sees it. */
export class TestApi {
  private constructor(readonly app: INestApplication) {}

  static async start(config: AppConfig, opts: ProcessOptions = {}): Promise<TestApi> {
    const app = await createApiApp(config, opts);
    await app.init();
    // Fastify adds the routes Nest registered, and their hooks, when it is ready (listen() does it too).
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
    return new TestApi(app);
  }

  get http() {
    return request(this.app.getHttpServer());
  }

  async gql<T = Record<string, any>>(
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GqlResult<T>> {
    const req = this.http.post('/graphql').set('content-type', 'application/json');
    if (token) req.set('authorization', `Bearer ${token}`);
    const res = await req.send({ query, variables });
    return { status: res.status, data: res.body?.data ?? null, errors: res.body?.errors };
  }

  async login(username: string, password = PASSWORD): Promise<string> {
    const res = await this.gql<{ login: { token: string } }>(
      `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
      { u: username, p: password },
    );
    if (!res.data?.login) throw new Error(`login ${username} failed: ${JSON.stringify(res.errors)}`);
    return res.data.login.token;
  }

  async close(): Promise<void> {
    await this.app.close();
  }
}

export function errorCode(res: GqlResult): string | undefined {
  return res.errors?.[0]?.extensions?.code;
}

/**
 * The error a blank reason, note, title or name is refused with: BAD_USER_INPUT naming the
 * field (`groups.0.name` for one in a list), in Chinese with the English beside it.
 */
export function blankRefusal(field: string) {
  const property = field.split('.').pop();
  return {
    message: `输入有误 (Invalid input): ${field}: 不能为空白 (${property} must not be blank)`,
    extensions: {
      code: 'BAD_USER_INPUT',
      fields: [{ field, problems: [`不能为空白 (${property} must not be blank)`] }],
    },
  };
}
