import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import {
  AuthUser,
  BadInputError,
  ConflictError,
  ForbiddenError,
  hasRole,
  isUniqueViolation,
  LoaderFactory,
  NotFoundError,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { NetworkService } from '@yg/network';
import { UserEntity } from './entities/user.entity';
import { CreateUserInput } from './dto/identity.inputs';
import { hashPassword, passwordProblem } from './password';
import { INSTITUTION_GRANTABLE } from './user-admin.service';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
  ) {}

  async me(user: AuthUser): Promise<UserEntity> {
    const u = await this.dataSource
      .getRepository(UserEntity)
      .findOneBy({ id: user.id, tenantId: user.tenantId });
    if (!u) throw new NotFoundError('User', '用户', user.id);
    return u;
  }

  async createUser(actor: AuthUser, input: CreateUserInput): Promise<UserEntity> {
    const problem = passwordProblem(input.password);
    if (problem) throw new BadInputError(problem, { field: 'password' });
    const roles = [...new Set(input.roles)];
    // Hash before the transaction: it is slow and needs no lock.
    const passwordHash = await hashPassword(input.password);
    return this.dataSource.transaction(async (em) => {
      const inst = await this.network.institution(actor.tenantId, input.institutionId, em);
      this.network.assertCanManage(actor, inst.id);
      if (!hasRole(actor, Role.CONSORTIUM_ADMIN) && roles.some((r) => !INSTITUTION_GRANTABLE.has(r))) {
        throw new ForbiddenError(
          '机构管理员不能授予医共体管理员或审计角色 (institution admins cannot grant consortium-admin or auditor roles)',
        );
      }
      if (input.practitionerId) {
        const p = await this.network.practitioner(actor.tenantId, input.practitionerId, em);
        if (p.institutionId !== inst.id) {
          throw new BadInputError('医务人员不属于该机构 (the practitioner works at another institution)', {
            field: 'practitionerId',
          });
        }
      }
      const user = em.create(UserEntity, {
        tenantId: actor.tenantId,
        institutionId: inst.id,
        practitionerId: input.practitionerId ?? null,
        username: input.username,
        displayName: input.displayName.trim(),
        passwordHash,
        roles,
        phone: input.phone ?? null,
        active: true,
        // The admin chose it: the user replaces it at first login.
        passwordChangeRequired: true,
        version: 1,
      });
      try {
        await em.insert(UserEntity, user);
      } catch (err) {
        if (isUniqueViolation(err, 'app_user_username')) {
          throw new ConflictError(`登录名 ${input.username} 已被使用 (user name already taken)`, {
            field: 'username',
          });
        }
        throw err;
      }
      await this.audit.record(em, {
        action: 'user.create',
        entityType: 'User',
        entityId: user.id,
        details: { institutionId: inst.id, roles },
      });
      return user;
    });
  }

  readonly userLoader: LoaderFactory<string, UserEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(UserEntity)
        .findBy({ id: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
}
