import { JwtService } from '@nestjs/jwt';
import { loadConfig, Role } from '@yg/core';
import { TokenService } from './token.service';

describe('TokenService', () => {
  const config = loadConfig({ JWT_SECRET: 'token-spec-secret-'.padEnd(40, 'x'), JWT_TTL_SECONDS: '60' });
  const user = {
    id: '8b32c4a5-c034-482c-b8c9-09b418db0ffd',
    tenantId: '4582153a-4e1e-442e-8953-a3545697e1ea',
    institutionId: '58871f5f-2d98-41e4-bae3-fa2159255831',
    practitionerId: null,
    roles: [Role.CLINICIAN],
  };
  let tokens: TokenService;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-23T08:00:00.400Z') });
    tokens = new TokenService(new JwtService(), config);
  });
  afterEach(() => jest.useRealTimers());

  it('accepts a token again from what it verified, and refuses it from the second it expires', () => {
    const { token, expiresAt } = tokens.issue(user, 3);
    expect(tokens.check(token)).toEqual({ ok: true, user, sessionVersion: 3, expiresAt });
    jest.setSystemTime(expiresAt.getTime() - 1);
    expect(tokens.check(token)).toEqual({ ok: true, user, sessionVersion: 3, expiresAt });
    jest.setSystemTime(expiresAt.getTime());
    expect(tokens.check(token)).toEqual({ ok: false, reason: 'expired' });
    expect(tokens.check(token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('never takes a token that differs from a verified one by a character', () => {
    const { token } = tokens.issue(user, 0);
    expect(tokens.check(token).ok).toBe(true);
    const [head, body, sig] = token.split('.');
    const flipped = `${head}.${body}.${sig.slice(0, -2)}${sig.at(-2) === 'A' ? 'B' : 'A'}${sig.at(-1)}`;
    expect(tokens.check(flipped)).toEqual({ ok: false, reason: 'invalid' });
    const other = new TokenService(new JwtService(), {
      ...config,
      auth: { ...config.auth, jwtSecret: 'another-secret-'.padEnd(40, 'y') },
    });
    expect(other.check(token)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('keeps operator and tenant tokens apart: neither passes for the other, even once cached', () => {
    const { token: userToken } = tokens.issue(user, 0);
    const { token: opToken } = tokens.issueOperator(user.id, 2);
    expect(tokens.check(userToken).ok).toBe(true);
    expect(tokens.checkOperator(opToken)).toMatchObject({ ok: true, operatorId: user.id, sessionVersion: 2 });
    expect(tokens.check(opToken)).toEqual({ ok: false, reason: 'invalid' });
    expect(tokens.checkOperator(userToken)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('reads a token without a session version (issued before versions existed) as version 0', () => {
    const legacy = new JwtService().sign(
      { sub: user.id, tid: user.tenantId, iid: user.institutionId, pid: null, roles: user.roles },
      { secret: config.auth.jwtSecret, issuer: 'yigongti', expiresIn: 60 },
    );
    expect(tokens.check(legacy)).toMatchObject({ ok: true, sessionVersion: 0 });
  });
});
