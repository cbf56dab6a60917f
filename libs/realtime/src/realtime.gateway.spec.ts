import { Logger } from '@nestjs/common';
import type { AppConfig } from '@yg/core';
import type { SessionRegistry, TokenService } from '@yg/identity';
import { RealtimeGateway } from './realtime.gateway';

describe('RealtimeGateway.join', () => {
  const gateway = new RealtimeGateway({} as TokenService, {} as SessionRegistry, {} as AppConfig);
  const socket = { data: { user: { id: 'u1', institutionId: 'i1' } } } as never;
  const refused = { ok: false, code: 'FORBIDDEN', message: expect.stringContaining('无权') };
  let warn: jest.SpyInstance;

  beforeEach(() => (warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  it('refuses a room that is an object no string can be made of, instead of failing the event', () => {
    // socket.io hands over the client's JSON as it is: String() of this throws a TypeError.
    expect(gateway.join(socket, { toString: 'inst:x' })).toEqual(refused);
    expect(gateway.join(socket, null)).toEqual(refused);
  });

  it('logs a refused room at a bounded length, however much the client sent', () => {
    // One megabyte per message (socket.io's default buffer) would otherwise go to the log each time.
    expect(gateway.join(socket, 'A'.repeat(900_000))).toEqual(refused);
    const line = String(warn.mock.calls[0][0]);
    expect(line.length).toBeLessThan(300);
    expect(line).toContain('u1');
  });
});
