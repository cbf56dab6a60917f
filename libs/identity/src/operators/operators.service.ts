import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  BadInputError,
  ConflictError,
  isUniqueViolation,
  NotFoundError,
  UnauthenticatedError,
} from '@yg/core';
import { AuditActor, AuditService, PLATFORM_TENANT } from '@yg/audit';
import { hashPassword, passwordProblem } from '../password';
import { AccountKind, Credentials, PasswordLogin } from '../login/password-login.service';
import { SessionRegistry } from '../session/session-registry';
import { TokenService } from '../token.service';

export const OPERATOR_ROLE = 'PLATFORM_OPERATOR';
export const OPERATOR_WRITE_ROLE = 'PLATFORM_OPERATOR_WRITE';

export interface OperatorAccount extends Credentials {
  username: string;
  canWrite: boolean;
  sessionVersion: number;
}

export interface OperatorSummary {
  id: string;
  username: string;
  canWrite: boolean;
  active: boolean;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,39}$/;

function operatorActor(o: { id: string; canWrite: boolean }): AuditActor {
  return {
    id: o.id,
    tenantId: PLATFORM_TENANT,
    institutionId: null,
    roles: o.canWrite ? [OPERATOR_ROLE, OPERATOR_WRITE_ROLE] : [OPERATOR_ROLE],
  };
}

/**
 * Platform operators: the deployment's IT, above every tenant. They open the queue dashboard
 * (read-only unless given write) and nothing else; their tokens are refused by every tenant
 * operation. Accounts are made and changed with the CLI (`operator:*`); their trail is the
 * platform tenant's.
 */
@Injectable()
export class OperatorsService {
  private readonly operators: AccountKind<OperatorAccount>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordLogin,
    private readonly tokens: TokenService,
    private readonly sessions: SessionRegistry,
    private readonly audit: AuditService,
  ) {
    this.operators = {
      table: 'platform_operator',
      entityType: 'PlatformOperator',
      rateNamespace: 'operator',
      find: async (username) => {
        const [row]: OperatorAccount[] = await this.dataSource.query(
          `SELECT id, username, password_hash AS "passwordHash", active, locked_until AS "lockedUntil",
                  can_write AS "canWrite", session_version AS "sessionVersion"
             FROM platform_operator WHERE username = $1`,
          [username],
        );
        return row ?? null;
      },
      actor: operatorActor,
    };
  }

  async login(
    username: string,
    password: string,
  ): Promise<{ token: string; expiresAt: Date; canWrite: boolean }> {
    const checked = await this.passwords.attempt(this.operators, username, password);
    const now = await this.operators.find(checked.username);
    if (!now?.active) throw new UnauthenticatedError();
    return { ...this.tokens.issueOperator(now.id, now.sessionVersion), canWrite: now.canWrite };
  }

  async create(username: string, password: string, canWrite: boolean): Promise<OperatorSummary> {
    const name = username.trim().toLowerCase();
    if (!USERNAME.test(name)) {
      throw new BadInputError(
        '登录名为 3–40 位小写字母、数字或 . _ - (user name: 3–40 lower-case letters, digits, . _ -)',
      );
    }
    const problem = passwordProblem(password);
    if (problem) throw new BadInputError(problem, { field: 'password' });
    const hash = await hashPassword(password);
    return this.dataSource.transaction(async (em) => {
      let row: OperatorSummary;
      try {
        [row] = await em.query(
          `INSERT INTO platform_operator (username, password_hash, can_write) VALUES ($1, $2, $3)
           RETURNING id, username, can_write AS "canWrite", active`,
          [name, hash, canWrite],
        );
      } catch (err) {
        if (isUniqueViolation(err, 'platform_operator_username')) {
          throw new ConflictError(`运维账户 ${name} 已存在 (operator ${name} already exists)`);
        }
        throw err;
      }
      await this.audit.record(em, {
        action: 'operator.create',
        tenantId: PLATFORM_TENANT,
        actor: null,
        entityType: 'PlatformOperator',
        entityId: row.id,
        details: { canWrite, via: 'cli' },
      });
      return row;
    });
  }

  /** Grants or withdraws queue write access; withdrawing ends the operator's sessions. */
  setWrite(username: string, canWrite: boolean): Promise<OperatorSummary> {
    return this.change(username, 'operator.write', { can_write: canWrite }, !canWrite);
  }

  /** Deactivating ends the operator's sessions at once, in every api process. */
  setActive(username: string, active: boolean): Promise<OperatorSummary> {
    return this.change(username, active ? 'operator.reactivate' : 'operator.deactivate', { active }, !active);
  }

  private async change(
    username: string,
    action: string,
    set: { can_write?: boolean; active?: boolean },
    endSessions: boolean,
  ): Promise<OperatorSummary> {
    const name = username.trim().toLowerCase();
    const row = await this.dataSource.transaction(async (em) => {
      // An UPDATE answers [rows, count] through TypeORM.
      const [updated]: [OperatorSummary[], number] = await em.query(
        `UPDATE platform_operator SET
           can_write = coalesce($2, can_write),
           active = coalesce($3, active),
           session_version = session_version + CASE WHEN $4 THEN 1 ELSE 0 END
         WHERE username = $1
         RETURNING id, username, can_write AS "canWrite", active`,
        [name, set.can_write ?? null, set.active ?? null, endSessions],
      );
      const r = updated[0];
      if (!r) throw new NotFoundError('PlatformOperator', '运维账户', name);
      await this.audit.record(em, {
        action,
        tenantId: PLATFORM_TENANT,
        actor: null,
        entityType: 'PlatformOperator',
        entityId: r.id,
        details: { ...set, via: 'cli' },
      });
      return r;
    });
    await this.sessions.changed({ kind: 'operator', id: row.id });
    return row;
  }
}
