import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock, DomainError, requestContext } from '@yg/core';
import { AuditActor, AuditEntityType, AuditService } from '@yg/audit';
import { verifyPassword } from '../password';
import { LoginRateLimiter } from './login-rate-limiter';
import { badCredentials, disabledAccount, lockedError, rateLimitedError } from './login-errors';

/** What a login reads of an account, before any check. */
export interface Credentials {
  id: string;
  passwordHash: string;
  active: boolean;
  lockedUntil: Date | null;
}

/** A kind of account that logs in with a password: tenant users, platform operators. */
export interface AccountKind<A extends Credentials> {
  /** The table holding the counters (a constant, never input). */
  table: 'app_user' | 'platform_operator';
  entityType: AuditEntityType;
  /** Keeps the per-name rate counters of different account kinds apart. */
  rateNamespace: string;
  /** The account by normalised user name, read without a lock and outside any transaction. */
  find(username: string): Promise<A | null>;
  actor(account: A): AuditActor;
}

type Outcome = { ok: true } | { ok: false; error: DomainError };

/**
 * The lockout rule as SQL assignments, over the counters `prev` holds before this failure: a lock
 * still running stays as it is; the failure that reaches `max` locks until `until` and restarts
 * the count; any other adds one. One rule for accounts and for names no account has.
 */
function countFailure(prev: string, now: string, max: string, until: string): string {
  return `failed_attempts = CASE
      WHEN ${prev}.locked_until > ${now} THEN ${prev}.failed_attempts
      WHEN ${prev}.failed_attempts + 1 >= ${max} THEN 0
      ELSE ${prev}.failed_attempts + 1 END,
    locked_until = CASE
      WHEN ${prev}.locked_until > ${now} THEN ${prev}.locked_until
      WHEN ${prev}.failed_attempts + 1 >= ${max} THEN ${until}::timestamptz
      ELSE ${prev}.locked_until END`;
}

/** How long an unknown name's failures are remembered after its last attempt. */
const UNKNOWN_NAME_KEPT_MS = 30 * 24 * 3600 * 1000;

/**
 * Password login with rate limits and lockout. The slow part, argon2 (also the decoy hash for
 * unknown names), runs holding no database connection; the outcome is then recorded in one short
 * transaction whose counter update is atomic in SQL, so attempts that arrive together are each
 * counted and none slips past the limit.
 */
@Injectable()
export class PasswordLogin {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly limiter: LoginRateLimiter,
  ) {}

  /**
   * The account as read before the check, once the password is right and it may log in; throws
   * otherwise. `action` names the check in the trail: a login, or a password confirmed again
   * (changing it), which counts against the same limits and lockout.
   */
  async attempt<A extends Credentials>(
    kind: AccountKind<A>,
    rawUsername: string,
    password: string,
    action: 'auth.login' | 'auth.password.confirm' = 'auth.login',
  ): Promise<A> {
    const username = rawUsername.trim().toLowerCase();
    const refusal = await this.limiter.hit(
      requestContext.get()?.ip ?? 'unknown',
      username,
      kind.rateNamespace,
    );
    if (refusal) {
      await this.audit.recordStandalone({
        action,
        outcome: 'DENIED',
        errorCode: 'RATE_LIMITED',
        actor: null,
        details: { scope: refusal.scope, limit: refusal.limit, account: kind.entityType },
      });
      throw rateLimitedError(refusal);
    }

    const account = await kind.find(username);
    const now = this.clock.now();
    if (!account) throw await this.failUnknown(kind, username, password, action, now);
    const actor = kind.actor(account);
    const about = {
      actor,
      tenantId: actor.tenantId,
      entityType: kind.entityType,
      entityId: account.id,
      action,
    };
    if (account.lockedUntil && account.lockedUntil > now) {
      await this.audit.recordStandalone({
        ...about,
        outcome: 'DENIED',
        errorCode: 'ACCOUNT_LOCKED',
      });
      throw lockedError(account.lockedUntil, now);
    }

    const valid = await verifyPassword(account.passwordHash, password);
    const outcome = await this.dataSource.transaction((em): Promise<Outcome> =>
      valid ? this.succeed(em, kind, about, now) : this.fail(em, kind, about, now),
    );
    if (!outcome.ok) throw outcome.error;
    return account;
  }

  /**
   * A name no account has answers as an account would: the decoy hash, a failure counted, and
   * after LOGIN_MAX_FAILURES a lock for LOGIN_LOCK_SECONDS (the same SQL rule as `fail`), so
   * ACCOUNT_LOCKED does not tell a caller which names exist.
   */
  private async failUnknown<A extends Credentials>(
    kind: AccountKind<A>,
    username: string,
    password: string,
    action: string,
    now: Date,
  ): Promise<DomainError> {
    const digest = createHmac('sha256', this.config.auth.jwtSecret).update(`login:${username}`).digest();
    const details = { reason: 'unknown_user', account: kind.entityType };
    const [held]: { locked_until: Date | null }[] = await this.dataSource.query(
      `SELECT locked_until FROM login_unknown_name WHERE namespace = $1 AND digest = $2`,
      [kind.rateNamespace, digest],
    );
    if (held?.locked_until && held.locked_until > now) {
      await this.audit.recordStandalone({
        action,
        outcome: 'DENIED',
        errorCode: 'ACCOUNT_LOCKED',
        actor: null,
        details,
      });
      return lockedError(held.locked_until, now);
    }
    await verifyPassword(null, password);
    const { loginMaxFailures, loginLockSeconds } = this.config.auth;
    const lockUntil = new Date(now.getTime() + loginLockSeconds * 1000);
    // A row to count on, then the same counting as an account's (`countFailure`).
    await this.dataSource.query(
      `INSERT INTO login_unknown_name (namespace, digest, last_attempt_at) VALUES ($1, $2, $3)
       ON CONFLICT (namespace, digest) DO NOTHING`,
      [kind.rateNamespace, digest, now],
    );
    const [[row]]: [{ failed_attempts: number; locked_until: Date | null }[], number] =
      await this.dataSource.query(
        `UPDATE login_unknown_name t SET ${countFailure('t', '$3', '$4', '$5')}, last_attempt_at = $3
        WHERE namespace = $1 AND digest = $2
        RETURNING failed_attempts, locked_until`,
        [kind.rateNamespace, digest, now, loginMaxFailures, lockUntil],
      );
    // Names tried once and never again are forgotten; a spray of names is bounded by the rate limits.
    if (Math.random() < 1 / 256) {
      await this.dataSource.query(
        `DELETE FROM login_unknown_name WHERE last_attempt_at < $1 AND (locked_until IS NULL OR locked_until < $1)`,
        [new Date(now.getTime() - UNKNOWN_NAME_KEPT_MS)],
      );
    }
    const locked = !!row.locked_until && row.locked_until > now;
    await this.audit.recordStandalone({
      action,
      outcome: 'FAILURE',
      errorCode: locked ? 'ACCOUNT_LOCKED' : 'UNAUTHENTICATED',
      actor: null,
      details,
    });
    return locked ? lockedError(row.locked_until!, now) : badCredentials();
  }

  private async fail<A extends Credentials>(
    em: EntityManager,
    kind: AccountKind<A>,
    about: AboutAccount,
    now: Date,
  ): Promise<Outcome> {
    const { loginMaxFailures, loginLockSeconds } = this.config.auth;
    const lockUntil = new Date(now.getTime() + loginLockSeconds * 1000);
    // The row lock of the CTE orders parallel attempts; each sees the count the one before left.
    // An UPDATE answers [rows, count] through TypeORM.
    const [[row]]: [
      { prev_locked_until: Date | null; prev_failures: number; locked_until: Date | null }[],
      number,
    ] = await em.query(
      `WITH prev AS (
           SELECT id, failed_attempts, locked_until FROM ${kind.table} WHERE id = $1 FOR UPDATE
         )
         UPDATE ${kind.table} t SET ${countFailure('prev', '$2', '$3', '$4')}
         FROM prev WHERE t.id = prev.id
         RETURNING prev.locked_until AS prev_locked_until, prev.failed_attempts AS prev_failures, t.locked_until`,
      [about.entityId, now, loginMaxFailures, lockUntil],
    );
    if (!row) {
      // Deleted between the read and now: as if it never existed.
      await this.audit.record(em, {
        ...about,
        outcome: 'FAILURE',
        errorCode: 'UNAUTHENTICATED',
      });
      return { ok: false, error: badCredentials() };
    }
    if (row.prev_locked_until && row.prev_locked_until > now) {
      // Another attempt locked the account while this one was hashing.
      await this.audit.record(em, {
        ...about,
        outcome: 'DENIED',
        errorCode: 'ACCOUNT_LOCKED',
      });
      return { ok: false, error: lockedError(row.prev_locked_until, now) };
    }
    const failures = row.prev_failures + 1;
    const locked = failures >= loginMaxFailures;
    await this.audit.record(em, {
      ...about,
      outcome: 'FAILURE',
      errorCode: locked ? 'ACCOUNT_LOCKED' : 'UNAUTHENTICATED',
      details: { failures, locked },
    });
    return {
      ok: false,
      error: locked && row.locked_until ? lockedError(row.locked_until, now) : badCredentials(),
    };
  }

  private async succeed<A extends Credentials>(
    em: EntityManager,
    kind: AccountKind<A>,
    about: AboutAccount,
    now: Date,
  ): Promise<Outcome> {
    // Only if nothing locked or disabled the account while the password was being checked.
    const [updated]: [unknown[], number] = await em.query(
      `UPDATE ${kind.table} SET failed_attempts = 0, locked_until = NULL, last_login_at = $2
        WHERE id = $1 AND active AND (locked_until IS NULL OR locked_until <= $2) RETURNING id`,
      [about.entityId, now],
    );
    if (updated.length) {
      await this.audit.record(em, about);
      return { ok: true };
    }
    const [state]: { active: boolean; locked_until: Date | null }[] = await em.query(
      `SELECT active, locked_until FROM ${kind.table} WHERE id = $1`,
      [about.entityId],
    );
    if (state?.locked_until && state.locked_until > now) {
      await this.audit.record(em, {
        ...about,
        outcome: 'DENIED',
        errorCode: 'ACCOUNT_LOCKED',
      });
      return { ok: false, error: lockedError(state.locked_until, now) };
    }
    await this.audit.record(em, {
      ...about,
      outcome: 'DENIED',
      errorCode: 'FORBIDDEN',
    });
    return { ok: false, error: state ? disabledAccount() : badCredentials() };
  }
}

interface AboutAccount {
  actor: AuditActor;
  tenantId: string;
  entityType: AuditEntityType;
  entityId: string;
  action: string;
}
