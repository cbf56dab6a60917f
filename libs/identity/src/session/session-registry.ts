import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig, AuthUser, Role } from '@yg/core';
import { SessionBus, SessionChange } from './session-bus';
import { StateCache } from './state-cache';

export type SessionRefusal = { ok: false; reason: 'revoked' | 'unavailable' };
/** `stamp` changes whenever anything the session grants changes (roles, institution, version). */
export type UserSession = { ok: true; user: AuthUser; stamp: string } | SessionRefusal;
export interface PlatformOperator {
  id: string;
  canWrite: boolean;
}
export type OperatorSession = { ok: true; operator: PlatformOperator; stamp: string } | SessionRefusal;

interface UserState {
  version: number;
  active: boolean;
  tenantId: string;
  /** Made once per read, so a hit allocates nothing. */
  granted: UserSession & { ok: true };
}

interface OperatorState {
  version: number;
  active: boolean;
  granted: OperatorSession & { ok: true };
}

const REVOKED: SessionRefusal = { ok: false, reason: 'revoked' };
const UNAVAILABLE: SessionRefusal = { ok: false, reason: 'unavailable' };

interface UserRow {
  id: string;
  tenant_id: string;
  institution_id: string;
  practitioner_id: string | null;
  roles: Role[];
  active: boolean;
  session_version: number;
  password_change_required: boolean;
}

interface OperatorRow {
  id: string;
  can_write: boolean;
  active: boolean;
  session_version: number;
}

/**
 * Whether the session behind a verified token is still good, on every request and socket
 * event. Tokens carry the user's session version; the user's row says whether they are active,
 * which version is current and what they may do now. Rows are cached per process and trusted
 * for SESSION_RECHECK_MS at most; a change made anywhere is pushed to every process through
 * Redis and drops the cached row at once. Without Redis, the recheck interval still bounds how
 * long a revoked session lasts: nothing is trusted longer. A hit costs one Map lookup.
 *
 * Roles, institution and practitioner are taken from the row, not the token, so a removed role
 * stops working at once without ending the session; deactivation and moves to another
 * institution bump the version and end it.
 */
@Injectable()
export class SessionRegistry {
  private readonly logger = new Logger(SessionRegistry.name);
  private readonly users: StateCache<UserState>;
  private readonly operators: StateCache<OperatorState>;
  private readonly listeners = new Set<(change: SessionChange) => void>();
  private listening = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly bus: SessionBus,
  ) {
    const ttl = config.auth.sessionRecheckMs;
    this.users = new StateCache(ttl, (ids) => this.readUsers(ids));
    this.operators = new StateCache(ttl, (ids) => this.readOperators(ids));
  }

  /** The effective caller for a verified tenant token: current roles, or a refusal. */
  checkUser(claims: AuthUser, sessionVersion: number): UserSession | Promise<UserSession> {
    const hit = this.users.fresh(claims.id);
    if (hit) return judgeUser(hit.state, claims, sessionVersion);
    this.listen();
    return this.users.get(claims.id).then(
      (state) => judgeUser(state, claims, sessionVersion),
      (err: Error) => this.unavailable(err),
    );
  }

  checkOperator(operatorId: string, sessionVersion: number): OperatorSession | Promise<OperatorSession> {
    const hit = this.operators.fresh(operatorId);
    if (hit) return judgeOperator(hit.state, sessionVersion);
    this.listen();
    return this.operators.get(operatorId).then(
      (state) => judgeOperator(state, sessionVersion),
      (err: Error) => this.unavailable(err),
    );
  }

  /** Reads, in one query, the users among these whose cached state is stale (socket sweeps). */
  async refreshUsers(ids: Iterable<string>): Promise<void> {
    this.listen();
    await this.users.refresh(ids);
  }

  /**
   * After a change to someone's access has committed: forget it here, tell local listeners
   * (sockets) and every other process. Waits for Redis at most about a second.
   */
  async changed(change: SessionChange): Promise<void> {
    this.apply(change);
    await this.bus.publish(change);
  }

  /** Called for every change, local or from another process (e.g. to drop sockets). */
  onChange(listener: (change: SessionChange) => void): () => void {
    this.listen();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private apply(change: SessionChange): void {
    (change.kind === 'user' ? this.users : this.operators).invalidate(change.id);
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.logger.warn(`session listener failed: ${(err as Error).message}`);
      }
    }
  }

  /** Subscribes on first use, so processes that never check sessions (the worker) hold no connection. */
  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.bus.subscribe(
      (change) => this.apply(change),
      // Messages sent while the subscription was down are lost: trust nothing cached before.
      () => {
        this.users.clear();
        this.operators.clear();
      },
    );
  }

  private lastWarned = 0;

  private unavailable(err: Error): SessionRefusal {
    const now = Date.now();
    if (now - this.lastWarned > 10_000) {
      this.lastWarned = now;
      this.logger.warn(`session state cannot be read, requests refused: ${err.message}`);
    }
    return UNAVAILABLE;
  }

  private async readUsers(ids: string[]): Promise<Map<string, UserState>> {
    const rows: UserRow[] = await this.dataSource.query(
      `SELECT id, tenant_id, institution_id, practitioner_id, roles, active, session_version,
              password_change_required
         FROM app_user WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          version: r.session_version,
          active: r.active,
          tenantId: r.tenant_id,
          granted: {
            ok: true,
            user: {
              id: r.id,
              tenantId: r.tenant_id,
              institutionId: r.institution_id,
              practitionerId: r.practitioner_id,
              roles: r.roles,
              passwordChangeRequired: r.password_change_required,
            },
            stamp: `${r.session_version}|${r.institution_id}|${r.practitioner_id ?? ''}|${[...r.roles].sort().join(',')}|${r.password_change_required}`,
          },
        },
      ]),
    );
  }

  private async readOperators(ids: string[]): Promise<Map<string, OperatorState>> {
    const rows: OperatorRow[] = await this.dataSource.query(
      `SELECT id, can_write, active, session_version FROM platform_operator WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          version: r.session_version,
          active: r.active,
          granted: {
            ok: true,
            operator: { id: r.id, canWrite: r.can_write },
            stamp: `${r.session_version}|${r.can_write}`,
          },
        },
      ]),
    );
  }
}

function judgeUser(state: UserState | null, claims: AuthUser, sessionVersion: number): UserSession {
  if (!state || !state.active || state.version !== sessionVersion || state.tenantId !== claims.tenantId) {
    return REVOKED;
  }
  return state.granted;
}

function judgeOperator(state: OperatorState | null, sessionVersion: number): OperatorSession {
  if (!state || !state.active || state.version !== sessionVersion) return REVOKED;
  return state.granted;
}
