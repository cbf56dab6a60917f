import { Writable } from 'node:stream';
import pino from 'pino';
import type { AuthUser } from '../auth/auth-user';
import { requestContext } from '../context/request-context';
import {
  accessLineWriter,
  createRootLogger,
  PinoNestLogger,
  scrubPersonalNumbers,
  serializeError,
} from './logger';

/** A pino logger like the root one (bindings, mixin, scrub) writing lines into an array. */
function capture(level = 'info') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  const logger = pino(
    {
      name: 'api',
      level,
      base: { pid: 4242 },
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin() {
        const ctx = requestContext.get();
        return ctx ? { requestId: ctx.requestId, userId: ctx.user?.id } : {};
      },
      serializers: { err: serializeError },
      hooks: { streamWrite: scrubPersonalNumbers },
    },
    sink,
  ).child({ context: 'http' }, { redact: [] });
  return { lines, logger };
}

describe('accessLineWriter', () => {
  const user = { id: '0f8fad5b-d9cb-469f-a165-70867728950e' } as AuthUser;
  const fields = { req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 }, responseTime: 7 };

  it('writes the line pino writes for the same request, key for key and in the same order', () => {
    const viaPino = capture();
    requestContext.run({ requestId: 'req-00000001', ip: null, user }, () =>
      viaPino.logger.info(fields, 'request completed'),
    );
    const direct = capture();
    accessLineWriter(direct.logger)!({
      requestId: 'req-00000001',
      userId: user.id,
      method: 'POST',
      url: '/graphql',
      statusCode: 200,
      responseTime: 7,
    });
    const [a, b] = [JSON.parse(viaPino.lines[0]), JSON.parse(direct.lines[0])];
    expect(direct.lines[0].endsWith('}\n')).toBe(true);
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect({ ...b, time: 0 }).toEqual({ ...a, time: 0 });
    expect(Math.abs(Date.parse(b.time) - Date.parse(a.time))).toBeLessThan(60_000);
  });

  it('leaves out a missing user, escapes the path and scrubs the whole line', () => {
    const { lines, logger } = capture();
    accessLineWriter(logger)!({
      requestId: '500114195203140316',
      method: 'GET',
      url: '/files/"13912345678"\\x',
      statusCode: 404,
      responseTime: 1,
    });
    const line = JSON.parse(lines[0]);
    expect(line).not.toHaveProperty('userId');
    expect(line.requestId).toBe('[id-redacted]');
    expect(line.req.url).toBe('/files/"[phone-redacted]"\\x');
  });

  it('is off when info lines are', () => {
    expect(accessLineWriter(capture('warn').logger)).toBeNull();
  });

  it('keeps the root logger’s ISO time', () => {
    const lines: string[] = [];
    const logger = createRootLogger('info', 't');
    const stream = (logger as unknown as Record<symbol, { write(s: string): boolean }>)[
      pino.symbols.streamSym
    ];
    const write = stream.write;
    stream.write = (s: string) => lines.push(s) > 0;
    try {
      logger.info('x');
    } finally {
      stream.write = write;
    }
    expect(JSON.parse(lines[0]).time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe('scrubPersonalNumbers', () => {
  it('masks stand-alone ID and mobile numbers wherever they are in a line', () => {
    const line = JSON.stringify({
      msg: 'invalid input syntax for type uuid: "50011419520314031X"',
      url: '/patients/500114195203140316?phone=13912345678',
      requestId: '13800001111',
    });
    const out = scrubPersonalNumbers(line);
    expect(out).not.toMatch(/50011419520314031X|500114195203140316|13912345678|13800001111/);
    expect(out).toContain('[id-redacted]');
    expect(out).toContain('[phone-redacted]');
  });

  it('leaves UUIDs, hashes, timestamps and longer digit runs alone', () => {
    const line = JSON.stringify({
      userId: '0f8fad5b-d9cb-469f-a165-13912345678a',
      hash: 'a13912345678b500114195203140316c',
      time: 1764000013000,
      big: '1391234567890',
      masked: '139****5678',
    });
    expect(scrubPersonalNumbers(line)).toBe(line);
  });
});

describe('serializeError', () => {
  it('drops the statement parameters and the row details of a failed query', () => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "app_user_phone"'), {
      query: 'INSERT INTO app_user (phone) VALUES ($1)',
      parameters: ['13912345678'],
      detail: 'Key (phone)=(13912345678) already exists.',
      driverError: { detail: 'Key (phone)=(13912345678) already exists.', code: '23505' },
    });
    const out = JSON.stringify(serializeError(err));
    expect(out).not.toContain('13912345678');
    expect(out).toContain('23505');
    expect(out).toContain('INSERT INTO app_user');
  });
});

describe('PinoNestLogger', () => {
  it("logs an Error handed to Nest's logger (its ExceptionsHandler's) through the error serialiser, without the statement's parameters", () => {
    // A forged page cursor made Postgres refuse a statement; Nest logged the QueryFailedError
    // as JSON with its parameters (tenant, the caller's filters, a row being written).
    const { lines, logger } = capture();
    const err = Object.assign(new Error('invalid input syntax for type smallint: "1.5"'), {
      query: 'SELECT r.id FROM referral r WHERE r.name = $1',
      parameters: ['冉茂林', 1.5],
      driverError: { code: '22P02', detail: 'Key (name)=(冉茂林)', parameters: ['冉茂林'] },
    });
    new PinoNestLogger(logger).error(err, undefined, 'ExceptionsHandler');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('冉茂林');
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({
      context: 'ExceptionsHandler',
      msg: 'invalid input syntax for type smallint: "1.5"',
      err: { message: 'invalid input syntax for type smallint: "1.5"', driverError: { code: '22P02' } },
    });
  });
});
