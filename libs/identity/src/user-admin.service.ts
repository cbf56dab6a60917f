import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  Connection,
  ForbiddenError,
  hasRole,
  NotFoundError,
  paginate,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { NetworkService } from '@yg/network';
import { UserEntity } from './entities/user.entity';
import { DeactivateUserArgs, ResetPasswordArgs, UpdateUserInput, UsersArgs } from './dto/identity.inputs';
import { hashPassword, passwordProblem } from './password';
import { SessionRegistry } from './session/session-registry';

/** Roles an institution administrator may hand out; the rest are the consortium's to give. */
export const INSTITUTION_GRANTABLE: ReadonlySet<Role> = new Set<Role>([
  Role.CLINICIAN,
  Role.REFERRAL_COORDINATOR,
  Role.EXPERT,
  Role.INSTITUTION_ADMIN,
  // The institution's pharmacy head (药剂科负责人).
  Role.PHARMACIST,
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CONSORTIUM_ONLY =
  '机构管理员不能授予医共体管理员或审计角色 (institution admins cannot grant consortium-admin or auditor roles)';

/**
 * Who may use the system and as what: the user list, edits, deactivation. Consortium admins
 * manage every user of the consortium; institution admins the users of their own institution
 * whose roles they could have granted. Every change that takes access away reaches every api
 * process at once (SessionRegistry).
 */
@Injectable()
export class UserAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly sessions: SessionRegistry,
    private readonly clock: Clock,
  ) {}

  users(actor: AuthUser, args: UsersArgs): Promise<Connection<UserEntity>> {
    const admin = hasRole(actor, Role.CONSORTIUM_ADMIN);
    if (!admin && args.institutionId && args.institutionId !== actor.institutionId) {
      throw new ForbiddenError('只能查看本机构的用户 (you may only list the users of your own institution)');
    }
    const qb = this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('u.tenant_id = :tenant', { tenant: actor.tenantId });
    const institutionId = admin ? args.institutionId : actor.institutionId;
    if (institutionId) qb.andWhere('u.institution_id = :inst', { inst: institutionId });
    if (args.active !== undefined && args.active !== null)
      qb.andWhere('u.active = :active', { active: args.active });
    if (args.role) qb.andWhere(':role = ANY(u.roles)', { role: args.role });
    if (args.search) {
      qb.andWhere('(strpos(u.username, lower(:search)) > 0 OR strpos(u.display_name, :search) > 0)', {
        search: args.search,
      });
    }
    return paginate(qb, [{ expr: 'u.username', value: (r) => r.username }], args);
  }

  async updateUser(actor: AuthUser, input: UpdateUserInput): Promise<UserEntity> {
    const roles = input.roles ? [...new Set(input.roles)].sort() : undefined;
    const { user, accessChanged } = await this.dataSource.transaction(async (em) => {
      const target = await this.lockForChange(em, actor, input.id);
      // Refused even when nothing would change: what the caller read is gone.
      if (target.version !== input.version) {
        throw new ConflictError(
          `用户已被他人修改(当前版本 ${target.version}),请刷新后再改 (changed by someone else meanwhile; reload and try again)`,
          { currentVersion: target.version },
        );
      }
      const changed: string[] = [];
      const details: Record<string, unknown> = {};

      if (input.displayName !== undefined && input.displayName !== null) {
        const name = input.displayName.trim();
        if (!name)
          throw new BadInputError('姓名不能为空 (display name must not be blank)', { field: 'displayName' });
        if (name !== target.displayName) {
          target.displayName = name;
          changed.push('displayName');
        }
      }
      if (input.phone !== undefined && (input.phone ?? null) !== target.phone) {
        target.phone = input.phone ?? null;
        changed.push('phone');
      }

      let moved = false;
      if (input.institutionId && input.institutionId !== target.institutionId) {
        const inst = await this.network.institution(actor.tenantId, input.institutionId, em);
        this.network.assertCanManage(actor, inst.id);
        details.institutionId = { from: target.institutionId, to: inst.id };
        target.institutionId = inst.id;
        // A practitioner record belongs to the old institution.
        if (input.practitionerId === undefined && target.practitionerId) {
          target.practitionerId = null;
          changed.push('practitionerId');
        }
        changed.push('institutionId');
        moved = true;
      }
      if (input.practitionerId !== undefined && (input.practitionerId ?? null) !== target.practitionerId) {
        if (input.practitionerId) {
          const p = await this.network.practitioner(actor.tenantId, input.practitionerId, em);
          if (p.institutionId !== target.institutionId) {
            throw new BadInputError('医务人员不属于该机构 (the practitioner works at another institution)', {
              field: 'practitionerId',
            });
          }
        }
        target.practitionerId = input.practitionerId ?? null;
        changed.push('practitionerId');
      }

      if (roles && roles.join() !== [...target.roles].sort().join()) {
        this.assertMayGrant(actor, roles);
        if (
          target.active &&
          target.roles.includes(Role.CONSORTIUM_ADMIN) &&
          !roles.includes(Role.CONSORTIUM_ADMIN)
        ) {
          await this.assertAnotherActiveAdmin(em, target);
        }
        details.roles = { from: target.roles, to: roles };
        target.roles = roles;
        changed.push('roles');
      }

      if (!changed.length) return { user: target, accessChanged: false };
      // A move changes what the token's tenant scoping means; roles are read per request instead.
      if (moved) target.sessionVersion += 1;
      target.version += 1;
      await em.update(
        UserEntity,
        { id: target.id },
        {
          displayName: target.displayName,
          phone: target.phone,
          institutionId: target.institutionId,
          practitionerId: target.practitionerId,
          roles: target.roles,
          sessionVersion: target.sessionVersion,
          version: target.version,
        },
      );
      await this.audit.record(em, {
        action: 'user.update',
        entityType: 'User',
        entityId: target.id,
        details: { changed, ...details, endsSessions: moved },
      });
      return {
        user: target,
        accessChanged: changed.some((c) => c === 'roles' || c === 'institutionId' || c === 'practitionerId'),
      };
    });
    if (accessChanged) await this.sessions.changed({ kind: 'user', id: user.id });
    return user;
  }

  async deactivateUser(actor: AuthUser, args: DeactivateUserArgs): Promise<UserEntity> {
    const reason = args.reason.trim();
    if (!reason) throw new BadInputError('请填写停用原因 (give a reason)', { field: 'reason' });
    if (args.id === actor.id) {
      throw new ForbiddenError('不能停用自己的账户 (you cannot deactivate your own account)');
    }
    const { user, changed } = await this.dataSource.transaction(async (em) => {
      const target = await this.lockForChange(em, actor, args.id);
      // Repeating a deactivation (a retried request) changes nothing.
      if (!target.active) return { user: target, changed: false };
      if (target.roles.includes(Role.CONSORTIUM_ADMIN)) await this.assertAnotherActiveAdmin(em, target);
      // A status change is a change to the account: an edit opened before it is refused.
      Object.assign(target, {
        active: false,
        version: target.version + 1,
        sessionVersion: target.sessionVersion + 1,
        deactivatedAt: this.clock.now(),
        deactivatedBy: actor.id,
        deactivationReason: reason,
      });
      await em.update(
        UserEntity,
        { id: target.id },
        {
          active: false,
          version: target.version,
          sessionVersion: target.sessionVersion,
          deactivatedAt: target.deactivatedAt,
          deactivatedBy: actor.id,
          deactivationReason: reason,
        },
      );
      // The reason stays on the user row: free text may name people, the trail never does.
      await this.audit.record(em, {
        action: 'user.deactivate',
        entityType: 'User',
        entityId: target.id,
        details: { roles: target.roles, institutionId: target.institutionId },
      });
      return { user: target, changed: true };
    });
    if (changed) await this.sessions.changed({ kind: 'user', id: user.id });
    return user;
  }

  /**
   * A new password set by an admin for a user who lost theirs: every session of the user ends,
   * and a lockout from failed attempts is lifted. One's own is changed with the current password.
   * The version stays: credentials are not what an edit of the account sends back, and an admin
   * editing the user's roles meanwhile should not be refused for it.
   */
  async resetPassword(actor: AuthUser, args: ResetPasswordArgs): Promise<UserEntity> {
    if (args.id === actor.id) {
      throw new ForbiddenError('请用"修改密码"更改自己的密码 (change your own password with changePassword)');
    }
    const problem = passwordProblem(args.newPassword);
    if (problem) throw new BadInputError(problem, { field: 'newPassword' });
    // Hashed before the transaction: argon2 is slow and holds no lock.
    const hash = await hashPassword(args.newPassword);
    const user = await this.dataSource.transaction(async (em) => {
      const target = await this.lockForChange(em, actor, args.id);
      target.sessionVersion += 1;
      target.passwordChangeRequired = true;
      await em.query(
        `UPDATE app_user SET password_hash = $2, session_version = $3, failed_attempts = 0, locked_until = NULL,
                password_change_required = true
          WHERE id = $1`,
        [target.id, hash, target.sessionVersion],
      );
      await this.audit.record(em, {
        action: 'user.password.reset',
        entityType: 'User',
        entityId: target.id,
        details: { institutionId: target.institutionId },
      });
      return target;
    });
    await this.sessions.changed({ kind: 'user', id: user.id });
    return user;
  }

  async reactivateUser(actor: AuthUser, id: string): Promise<UserEntity> {
    const { user, changed } = await this.dataSource.transaction(async (em) => {
      const target = await this.lockForChange(em, actor, id);
      if (target.active) return { user: target, changed: false };
      // The version stays bumped: tokens from before the deactivation remain invalid.
      Object.assign(target, {
        active: true,
        version: target.version + 1,
        deactivatedAt: null,
        deactivatedBy: null,
        deactivationReason: null,
      });
      await em.update(
        UserEntity,
        { id: target.id },
        {
          active: true,
          version: target.version,
          deactivatedAt: null,
          deactivatedBy: null,
          deactivationReason: null,
          failedAttempts: 0,
          lockedUntil: null,
        },
      );
      await this.audit.record(em, {
        action: 'user.reactivate',
        entityType: 'User',
        entityId: target.id,
        details: { roles: target.roles, institutionId: target.institutionId },
      });
      return { user: target, changed: true };
    });
    if (changed) await this.sessions.changed({ kind: 'user', id: user.id });
    return user;
  }

  /**
   * The target, row-locked, once the actor may manage it. Changes to one consortium's users are
   * serialised (a transaction-scoped advisory lock), so two admins cannot each remove the other
   * and leave the consortium with none.
   */
  private async lockForChange(em: EntityManager, actor: AuthUser, id: string): Promise<UserEntity> {
    if (!UUID.test(id)) throw new NotFoundError('User', '用户', id);
    await em.query(`SELECT pg_advisory_xact_lock(hashtextextended('user-admin:' || $1, 0))`, [
      actor.tenantId,
    ]);
    const target = await em
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('u.id = :id AND u.tenant_id = :tenant', { id, tenant: actor.tenantId })
      .setLock('pessimistic_write')
      .getOne();
    if (!target) throw new NotFoundError('User', '用户', id);
    if (!hasRole(actor, Role.CONSORTIUM_ADMIN)) {
      if (target.institutionId !== actor.institutionId) {
        throw new ForbiddenError(
          '只能管理本机构的用户 (you may only manage the users of your own institution)',
        );
      }
      if (target.roles.some((r) => !INSTITUTION_GRANTABLE.has(r))) {
        throw new ForbiddenError(
          '该用户持有医共体级角色,只能由医共体管理员管理 (this user holds a consortium-level role; only a consortium admin may change it)',
        );
      }
    }
    return target;
  }

  assertMayGrant(actor: AuthUser, roles: Role[]): void {
    if (!hasRole(actor, Role.CONSORTIUM_ADMIN) && roles.some((r) => !INSTITUTION_GRANTABLE.has(r))) {
      throw new ForbiddenError(CONSORTIUM_ONLY);
    }
  }

  private async assertAnotherActiveAdmin(em: EntityManager, target: UserEntity): Promise<void> {
    const [{ n }]: { n: number }[] = await em.query(
      `SELECT count(*)::int AS n FROM app_user
        WHERE tenant_id = $1 AND active AND 'CONSORTIUM_ADMIN' = ANY(roles) AND id <> $2`,
      [target.tenantId, target.id],
    );
    if (n === 0) {
      throw new ConflictError(
        '医共体至少需要一名在用的管理员,请先指定另一名管理员 (the consortium needs at least one active consortium admin; appoint another first)',
      );
    }
  }
}
