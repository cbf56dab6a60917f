import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyReply } from 'fastify';
import { requestContext } from '@yg/core';
import type { SessionRegistry, TokenService } from '@yg/identity';
import type { ApiMetrics } from '../metrics/api-metrics';
import { ContextRequest, RequestContextHook } from './request-context.hook';

/** A response stand-in: headers, a status and the events the access line waits for. */
class FakeResponse extends EventEmitter {
  statusCode = 200;
  headers: Record<string, string> = {};
  setHeader(name: string, value: string) {
    this.headers[name] = value;
  }
}

function setup() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()));
      cb();
    },
  });
  const logger = pino(
    {
      mixin: () => {
        const ctx = requestContext.get();
        return ctx ? { requestId: ctx.requestId } : {};
      },
    },
    sink,
  );
  const hook = new RequestContextHook({} as TokenService, {} as SessionRegistry, logger, {
    observeHttp: () => undefined,
  } as unknown as ApiMetrics);
  const run = (url: string, status: number, event: 'finish' | 'close' = 'finish') => {
    const req = { url, method: 'GET', headers: { 'x-request-id': 'access-line-0001' } };
    const res = new FakeResponse();
    const reply = { raw: res } as unknown as FastifyReply;
    let nextCalled = false;
    const next = () => {
      nextCalled = true;
      res.statusCode = status;
      // The response ends inside the request's context, as a handler's write does.
      res.emit(event);
      res.emit('close');
    };
    hook.onRequest(req as unknown as ContextRequest, reply, () => {
      hook.preHandler(req as unknown as ContextRequest, reply, next);
    });
    expect(nextCalled).toBe(true);
    expect(res.headers['x-request-id']).toBe('access-line-0001');
  };
  return { lines, run };
}

describe('access lines', () => {
  it('writes one line per request with the path only, the status and the request id', () => {
    const { lines, run } = setup();
    run('/graphql?query=%7B%20me%20%7D', 200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      context: 'http',
      requestId: 'access-line-0001',
      req: { method: 'GET', url: '/graphql' },
      res: { statusCode: 200 },
      msg: 'request completed',
    });
    expect(typeof lines[0].responseTime).toBe('number');
  });

  it('logs a 5xx answer as an error', () => {
    const { lines, run } = setup();
    run('/graphql', 503);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 503 } });
  });

  it('logs a request whose connection closed before the answer once', () => {
    const { lines, run } = setup();
    run('/intake/imports', 200, 'close');
    expect(lines).toHaveLength(1);
  });

  it('leaves probes and scrapes out', () => {
    const { lines, run } = setup();
    run('/health/live', 200);
    run('/metrics', 200);
    expect(lines).toHaveLength(0);
  });
});
