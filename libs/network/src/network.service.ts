import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, EntityManager, In } from 'typeorm';
import { isUUID } from 'class-validator';
import {
  advisoryXactLock,
  AuthUser,
  BadInputError,
  ConflictError,
  Connection,
  ForbiddenError,
  hasRole,
  isUniqueViolation,
  LoaderFactory,
  NotFoundError,
  paginate,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { ConsortiumEntity } from './entities/consortium.entity';
import { InstitutionEntity } from './entities/institution.entity';
import { DepartmentEntity } from './entities/department.entity';
import { PractitionerEntity } from './entities/practitioner.entity';
import { checkStructure, StructureCheck } from './domain/framework';
import { InstitutionKind } from './domain/institution-kind';
import { kindTierProblem, parentProblem } from './domain/tier-rules';
import {
  CreateDepartmentInput,
  CreateInstitutionInput,
  CreatePractitionerInput,
  InstitutionsArgs,
  PractitionersArgs,
  UpdateInstitutionInput,
} from './dto/network.inputs';

/** Names are stored trimmed; input validation counts the spaces, so check the length again. */
function institutionName(raw: string): string {
  const name = raw.trim();
  if (name.length < 2) {
    throw new BadInputError('机构名称至少 2 个字 (institution name: at least 2 characters)', {
      field: 'name',
    });
  }
  return name;
}

/** The consortium's network: institutions in a tier-ordered tree, their departments and staff. */
@Injectable()
export class NetworkService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  // ---------- reads ----------

  /** Pass the caller's manager inside a transaction: a second pool connection per request can deadlock the pool. */
  async consortium(tenantId: string, em?: EntityManager): Promise<ConsortiumEntity> {
    const c = await (em ?? this.dataSource.manager)
      .getRepository(ConsortiumEntity)
      .findOneBy({ id: tenantId });
    if (!c) throw new NotFoundError('Consortium', '医共体', tenantId);
    return c;
  }

  /** Every consortium's id and settings, for sweeps that apply each consortium's own deadlines. */
  async consortia(): Promise<Pick<ConsortiumEntity, 'id' | 'settings'>[]> {
    return this.dataSource.getRepository(ConsortiumEntity).find({ select: { id: true, settings: true } });
  }

  async structure(tenantId: string): Promise<StructureCheck> {
    const c = await this.consortium(tenantId);
    const rows: { kind: InstitutionKind; n: number }[] = await this.dataSource.query(
      `SELECT kind, count(*)::int AS n FROM institution WHERE tenant_id = $1 AND active GROUP BY kind`,
      [tenantId],
    );
    return checkStructure(c.framework, Object.fromEntries(rows.map((r) => [r.kind, r.n])));
  }

  /**
   * An institution of the caller's tenant; another tenant's answers NOT_FOUND. `forUpdate` (inside
   * the caller's transaction) locks its row until the transaction ends.
   */
  async institution(
    tenantId: string,
    id: string,
    em?: EntityManager,
    forUpdate = false,
  ): Promise<InstitutionEntity> {
    // `institution(id:)` takes any ID string; one that is no UUID would fail in Postgres as an
    // internal error, yet it simply names no institution.
    if (!isUUID(id)) throw new NotFoundError('Institution', '机构', id);
    const repo = (em ?? this.dataSource.manager).getRepository(InstitutionEntity);
    const inst = await repo.findOne({
      where: { id, tenantId },
      ...(forUpdate ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!inst) throw new NotFoundError('Institution', '机构', id);
    return inst;
  }

  async department(tenantId: string, id: string, em?: EntityManager): Promise<DepartmentEntity> {
    const repo = (em ?? this.dataSource.manager).getRepository(DepartmentEntity);
    const d = await repo.findOneBy({ id, tenantId });
    if (!d) throw new NotFoundError('Department', '科室', id);
    return d;
  }

  async practitioner(tenantId: string, id: string, em?: EntityManager): Promise<PractitionerEntity> {
    const repo = (em ?? this.dataSource.manager).getRepository(PractitionerEntity);
    const p = await repo.findOneBy({ id, tenantId });
    if (!p) throw new NotFoundError('Practitioner', '医务人员', id);
    return p;
  }

  institutions(user: AuthUser, args: InstitutionsArgs): Promise<Connection<InstitutionEntity>> {
    const qb = this.dataSource
      .getRepository(InstitutionEntity)
      .createQueryBuilder('i')
      .where('i.tenant_id = :tenant', { tenant: user.tenantId });
    if (args.kind) qb.andWhere('i.kind = :kind', { kind: args.kind });
    if (args.tier) qb.andWhere('i.tier = :tier', { tier: args.tier });
    if (args.parentId) qb.andWhere('i.parent_id = :parent', { parent: args.parentId });
    if (args.search) qb.andWhere(`strpos(i.name, :search) > 0`, { search: args.search });
    return paginate(
      qb,
      [
        { expr: 'i.name', value: (r) => r.name },
        { expr: 'i.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
    );
  }

  practitioners(user: AuthUser, args: PractitionersArgs): Promise<Connection<PractitionerEntity>> {
    const qb = this.dataSource
      .getRepository(PractitionerEntity)
      .createQueryBuilder('p')
      .where('p.tenant_id = :tenant', { tenant: user.tenantId });
    if (args.institutionId) qb.andWhere('p.institution_id = :inst', { inst: args.institutionId });
    if (args.departmentId) qb.andWhere('p.department_id = :dept', { dept: args.departmentId });
    if (args.specialty) qb.andWhere(':spec = ANY(p.specialties)', { spec: args.specialty });
    if (args.title) qb.andWhere('p.title = :title', { title: args.title });
    if (args.search) qb.andWhere(`strpos(p.name, :search) > 0`, { search: args.search });
    return paginate(
      qb,
      [
        { expr: 'p.name', value: (r) => r.name },
        { expr: 'p.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
    );
  }

  // ---------- per-request loaders (one query per list, whatever its length) ----------

  readonly institutionLoader: LoaderFactory<string, InstitutionEntity | null> = (user) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(InstitutionEntity)
        .findBy({ id: In([...ids]), tenantId: user?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly departmentLoader: LoaderFactory<string, DepartmentEntity | null> = (user) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(DepartmentEntity)
        .findBy({ id: In([...ids]), tenantId: user?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly practitionerLoader: LoaderFactory<string, PractitionerEntity | null> = (user) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(PractitionerEntity)
        .findBy({ id: In([...ids]), tenantId: user?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly departmentsByInstitutionLoader: LoaderFactory<string, DepartmentEntity[]> = (user) =>
    new DataLoader(async (institutionIds) => {
      const rows = await this.dataSource.getRepository(DepartmentEntity).find({
        where: { institutionId: In([...institutionIds]), tenantId: user?.tenantId ?? '' },
        order: { code: 'ASC' },
      });
      return institutionIds.map((id) => rows.filter((r) => r.institutionId === id));
    });

  // ---------- writes ----------

  createInstitution(user: AuthUser, input: CreateInstitutionInput): Promise<InstitutionEntity> {
    return this.dataSource.transaction(async (em) => {
      await advisoryXactLock(em, 'network-tree', user.tenantId);
      const draft = em.create(InstitutionEntity, {
        tenantId: user.tenantId,
        name: institutionName(input.name),
        kind: input.kind,
        tier: input.tier,
        parentId: input.parentId ?? null,
        grade: input.grade ?? null,
        divisionCode: input.divisionCode,
        address: input.address ?? null,
        phone: input.phone ?? null,
        active: true,
        version: 1,
      });
      await this.assertPlacement(em, user.tenantId, draft);
      const saved = await this.saveUnique(
        em,
        draft,
        'institution_tenant_name',
        () => new ConflictError(`机构名称「${draft.name}」已存在 (an institution with this name exists)`),
      );
      await this.audit.record(em, {
        action: 'institution.create',
        entityType: 'Institution',
        entityId: saved.id,
        details: { kind: saved.kind, tier: saved.tier, parentId: saved.parentId },
      });
      return saved;
    });
  }

  updateInstitution(user: AuthUser, input: UpdateInstitutionInput): Promise<InstitutionEntity> {
    return this.dataSource.transaction(async (em) => {
      await advisoryXactLock(em, 'network-tree', user.tenantId);
      const inst = await this.institution(user.tenantId, input.id, em, true);
      // Refused even when nothing would change: what the caller read is gone.
      if (inst.version !== input.version) {
        throw new ConflictError(
          `机构已被他人修改(当前版本 ${inst.version}),请刷新后再改 (changed by someone else meanwhile; reload and try again)`,
          { currentVersion: inst.version },
        );
      }
      const before = { kind: inst.kind, tier: inst.tier, parentId: inst.parentId, active: inst.active };
      const changed: string[] = [];
      // Trimmed as on create, or " 县总医院 " would slip past the unique name.
      const values = { ...input, name: input.name == null ? input.name : institutionName(input.name) };
      for (const key of [
        'name',
        'kind',
        'tier',
        'grade',
        'divisionCode',
        'address',
        'phone',
        'active',
      ] as const) {
        if (values[key] !== undefined && values[key] !== null && values[key] !== inst[key]) {
          (inst as unknown as Record<string, unknown>)[key] = values[key];
          changed.push(key);
        }
      }
      if (input.parentId !== undefined && input.parentId !== inst.parentId) {
        inst.parentId = input.parentId;
        changed.push('parentId');
      }
      if (!changed.length) return inst;
      inst.version += 1;
      await this.assertPlacement(em, user.tenantId, inst);
      const saved = await this.saveUnique(
        em,
        inst,
        'institution_tenant_name',
        () => new ConflictError(`机构名称「${inst.name}」已存在 (an institution with this name exists)`),
      );
      await this.audit.record(em, {
        action: 'institution.update',
        entityType: 'Institution',
        entityId: saved.id,
        details: {
          changed,
          before,
          after: { kind: saved.kind, tier: saved.tier, parentId: saved.parentId, active: saved.active },
        },
      });
      return saved;
    });
  }

  createDepartment(user: AuthUser, input: CreateDepartmentInput): Promise<DepartmentEntity> {
    return this.dataSource.transaction(async (em) => {
      const inst = await this.institution(user.tenantId, input.institutionId, em);
      this.assertCanManage(user, inst.id);
      const dept = em.create(DepartmentEntity, {
        tenantId: user.tenantId,
        institutionId: inst.id,
        code: input.code,
        name: input.name.trim(),
        specialty: input.specialty ?? null,
      });
      const saved = await this.saveUnique(
        em,
        dept,
        'department_institution_code',
        () => new ConflictError(`科室代码 ${input.code} 在该机构已存在 (department code already used here)`),
      );
      await this.audit.record(em, {
        action: 'department.create',
        entityType: 'Department',
        entityId: saved.id,
        details: { institutionId: inst.id, code: saved.code },
      });
      return saved;
    });
  }

  createPractitioner(user: AuthUser, input: CreatePractitionerInput): Promise<PractitionerEntity> {
    return this.dataSource.transaction(async (em) => {
      const inst = await this.institution(user.tenantId, input.institutionId, em);
      this.assertCanManage(user, inst.id);
      if (input.departmentId) {
        const dept = await this.department(user.tenantId, input.departmentId, em);
        if (dept.institutionId !== inst.id) {
          throw new BadInputError('科室不属于该机构 (the department belongs to another institution)', {
            field: 'departmentId',
          });
        }
      }
      const p = em.create(PractitionerEntity, {
        tenantId: user.tenantId,
        institutionId: inst.id,
        departmentId: input.departmentId ?? null,
        name: input.name.trim(),
        title: input.title,
        specialties: [...new Set(input.specialties.map((s) => s.trim()).filter(Boolean))],
        licenceNumber: input.licenceNumber,
        active: true,
      });
      const saved = await this.saveUnique(
        em,
        p,
        'practitioner_tenant_licence',
        () =>
          new ConflictError('执业证书编码已登记 (this licence number is already registered)', {
            field: 'licenceNumber',
          }),
      );
      await this.audit.record(em, {
        action: 'practitioner.create',
        entityType: 'Practitioner',
        entityId: saved.id,
        details: { institutionId: inst.id, title: saved.title },
      });
      return saved;
    });
  }

  /** Consortium admins manage every institution; institution admins only their own. */
  assertCanManage(user: AuthUser, institutionId: string): void {
    if (hasRole(user, Role.CONSORTIUM_ADMIN)) return;
    if (hasRole(user, Role.INSTITUTION_ADMIN) && user.institutionId === institutionId) return;
    throw new ForbiddenError('只能管理本机构 (you may only manage your own institution)');
  }

  // ---------- tree rules ----------

  /** Kind/tier agree, the parent is of the same or higher tier, no cycle, children still fit. */
  private async assertPlacement(em: EntityManager, tenantId: string, inst: InstitutionEntity) {
    const kindProblem = kindTierProblem(inst.kind, inst.tier);
    if (kindProblem) throw new BadInputError(kindProblem, { rule: 'KIND_TIER', field: 'tier' });

    if (inst.parentId) {
      const parent = await this.institution(tenantId, inst.parentId, em);
      const problem = parentProblem(inst, parent);
      if (problem) throw new BadInputError(problem, { rule: 'TIER_ORDER', field: 'parentId' });
      if (inst.id) {
        const [cycle] = await em.query(
          `WITH RECURSIVE up(id, parent_id) AS (
             SELECT id, parent_id FROM institution WHERE id = $1 AND tenant_id = $3
             UNION
             SELECT i.id, i.parent_id FROM institution i JOIN up ON i.id = up.parent_id
           )
           SELECT 1 FROM up WHERE id = $2 LIMIT 1`,
          [parent.id, inst.id, tenantId],
        );
        if (cycle) {
          throw new BadInputError(
            `不能把「${inst.name}」放到它自己的下级「${parent.name}」之下 (this would make a cycle in the tree)`,
            { rule: 'CYCLE', field: 'parentId' },
          );
        }
      }
    }
    if (inst.id) {
      const children = await em.getRepository(InstitutionEntity).findBy({ parentId: inst.id, tenantId });
      for (const child of children) {
        const problem = parentProblem(child, inst);
        if (problem) throw new BadInputError(problem, { rule: 'TIER_ORDER', field: 'tier' });
      }
    }
  }

  private async saveUnique<T extends object>(
    em: EntityManager,
    entity: T,
    constraint: string,
    conflict: () => Error,
  ): Promise<T> {
    try {
      return await em.save(entity);
    } catch (err) {
      if (isUniqueViolation(err, constraint)) throw conflict();
      throw err;
    }
  }
}
