import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, AuthUser, Clock, DomainError, UnauthenticatedError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { UserEntity } from './entities/user.entity';
import { verifyPassword } from './password';
import { TokenService } from './token.service';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserEntity;
}

type Attempt = { kind: 'ok'; user: UserEntity } | { kind: 'bad'; error: DomainError };

const BAD_CREDENTIALS = '用户名或密码错误 (Wrong user name or password)';

/**
 * Password login with lockout. Each attempt takes the user's row lock, so attempts that
 * arrive together (aliases, parallel requests) are counted one by one and none slips past
 * the limit.
 */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async login(username: string, password: string): Promise<LoginResult> {
    // The failed attempt must be committed before the error goes out, so the
    // transaction returns the outcome instead of throwing it.
    const attempt = await this.dataSource.transaction(async (em): Promise<Attempt> => {
      const user = await em
        .getRepository(UserEntity)
        .createQueryBuilder('u')
        .addSelect('u.passwordHash')
        .where('u.username = :name', { name: username.trim().toLowerCase() })
        .setLock('pessimistic_write')
        .getOne();
      const now = this.clock.now();
      if (!user) {
        await verifyPassword(null, password);
        await this.audit.record(em, {
          action: 'auth.login',
          outcome: 'FAILURE',
          errorCode: 'UNAUTHENTICATED',
          actor: null,
          details: { reason: 'unknown_user' },
        });
        return { kind: 'bad', error: new UnauthenticatedError(BAD_CREDENTIALS) };
      }
      const actor = toAuthUser(user);
      if (user.lockedUntil && user.lockedUntil > now) {
        await this.audit.record(em, {
          action: 'auth.login',
          outcome: 'DENIED',
          errorCode: 'ACCOUNT_LOCKED',
          actor,
          entityType: 'User',
          entityId: user.id,
        });
        return { kind: 'bad', error: lockedError(user.lockedUntil, now) };
      }
      const valid = await verifyPassword(user.passwordHash, password);
      if (!valid) {
        const failures = user.failedAttempts + 1;
        const lock = failures >= this.config.auth.loginMaxFailures;
        const lockedUntil = lock ? new Date(now.getTime() + this.config.auth.loginLockSeconds * 1000) : null;
        await em.update(UserEntity, user.id, {
          failedAttempts: lock ? 0 : failures,
          lockedUntil,
        });
        await this.audit.record(em, {
          action: 'auth.login',
          outcome: 'FAILURE',
          errorCode: lock ? 'ACCOUNT_LOCKED' : 'UNAUTHENTICATED',
          actor,
          entityType: 'User',
          entityId: user.id,
          details: { failures, locked: lock },
        });
        return {
          kind: 'bad',
          error:
            lock && lockedUntil ? lockedError(lockedUntil, now) : new UnauthenticatedError(BAD_CREDENTIALS),
        };
      }
      if (!user.active) {
        await this.audit.record(em, {
          action: 'auth.login',
          outcome: 'DENIED',
          errorCode: 'FORBIDDEN',
          actor,
          entityType: 'User',
          entityId: user.id,
        });
        return {
          kind: 'bad',
          error: new UnauthenticatedError(
            '账户已停用,请联系管理员 (This account is disabled; contact your administrator)',
          ),
        };
      }
      await em.update(UserEntity, user.id, { failedAttempts: 0, lockedUntil: null, lastLoginAt: now });
      await this.audit.record(em, {
        action: 'auth.login',
        actor,
        entityType: 'User',
        entityId: user.id,
      });
      return { kind: 'ok', user };
    });
    if (attempt.kind === 'bad') throw attempt.error;
    const { token, expiresAt } = this.tokens.issue(toAuthUser(attempt.user));
    return { token, expiresAt, user: attempt.user };
  }
}

export function toAuthUser(u: UserEntity): AuthUser {
  return {
    id: u.id,
    tenantId: u.tenantId,
    institutionId: u.institutionId,
    practitionerId: u.practitionerId,
    roles: u.roles,
  };
}

function lockedError(until: Date, now: Date): DomainError {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  return new DomainError(
    'ACCOUNT_LOCKED',
    `登录失败次数过多,账户已锁定,请 ${minutes} 分钟后再试 (Too many failed logins; account locked for ${minutes} more minute(s))`,
    { lockedUntil: until.toISOString() },
  );
}
