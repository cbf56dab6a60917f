import { DomainError, UnauthenticatedError } from '@yg/core';
import type { RateRefusal } from './login-rate-limiter';

export const BAD_CREDENTIALS = '用户名或密码错误 (Wrong user name or password)';

export function badCredentials(): DomainError {
  return new UnauthenticatedError(BAD_CREDENTIALS);
}

export function disabledAccount(): DomainError {
  return new UnauthenticatedError(
    '账户已停用,请联系管理员 (This account is disabled; contact your administrator)',
  );
}

export function lockedError(until: Date, now: Date): DomainError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new DomainError(
    'ACCOUNT_LOCKED',
    `登录失败次数过多,账户已锁定,请 ${minutes} 分钟后再试 (Too many failed logins; account locked for ${minutes} more minute(s))`,
    { lockedUntil: until.toISOString() },
  );
}

export function rateLimitedError(r: RateRefusal): DomainError {
  const s = r.retryAfterSeconds;
  const from = r.scope === 'address' ? '来自此地址的' : '此账户的';
  const fromEn = r.scope === 'address' ? 'from this address' : 'for this account';
  return new DomainError(
    'RATE_LIMITED',
    `${from}登录尝试过多,请 ${s} 秒后再试 (Too many login attempts ${fromEn}; try again in ${s} s)`,
    { retryAfterSeconds: s, scope: r.scope },
  );
}
