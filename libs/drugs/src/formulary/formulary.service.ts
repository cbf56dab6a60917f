import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUUID } from 'class-validator';
import {
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  Connection,
  ForbiddenError,
  hasRole,
  InvalidTransitionError,
  isUniqueViolation,
  JOBS,
  LoaderFactory,
  NotFoundError,
  paginate,
  QUEUES,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { OutboxService } from '@yg/outbox';
import { InstitutionKind, NetworkService } from '@yg/network';
import {
  FormularyAction,
  FormularyItemEntity,
  FormularyItemVersionEntity,
} from '../entities/formulary.entities';
import { DrugCodeEntity } from '../entities/dictionary.entities';
import { DrugCodeStatus, FormularyStatus, FormularyTier } from '../domain/drug.enums';
import { parseNationalCode } from '../domain/national-code';
import { codePrefixRange, specKey } from '../domain/search';
import { DrugDictionaryService } from '../dictionary/dictionary.service';
import {
  AddFormularyItemInput,
  FormularyArgs,
  RetireFormularyItemInput,
  UpdateFormularyItemInput,
} from '../dto/formulary.inputs';

const PRODUCT_KEY = /^(X[A-Z]\d{2}[A-Z]{2}[A-Z]\d{3}[A-Z]\d{3}|Z[A-Z]\d{2}[A-Z]{2}[A-Z]\d{4})$/;
const TIER_ORDER = [FormularyTier.COUNTY, FormularyTier.TOWNSHIP, FormularyTier.VILLAGE];
/** What a version snapshot and the change list cover. */
const TRACKED = [
  'nationalCode',
  'productKey',
  'genericName',
  'dosageForm',
  'spec',
  'tiers',
  'substitutionGroup',
  'status',
  'note',
  'retireReason',
] as const;

const sortTiers = (tiers: FormularyTier[]) => TIER_ORDER.filter((t) => tiers.includes(t));
const clean = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : v.trim() || null;

function snapshot(item: FormularyItemEntity): Record<string, unknown> {
  return Object.fromEntries(TRACKED.map((k) => [k, item[k]]));
}

/**
 * The consortium's unified drug list (统一药品目录). Every member reads it; consortium admins and
 * the lead hospital's pharmacists (the 中心药房 under the 总药师) keep it. Each change is a new
 * version, kept with the item.
 */
@Injectable()
export class FormularyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dictionary: DrugDictionaryService,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  list(user: AuthUser, args: FormularyArgs): Promise<Connection<FormularyItemEntity>> {
    const qb = this.dataSource
      .getRepository(FormularyItemEntity)
      .createQueryBuilder('f')
      .where('f.tenant_id = :tenant', { tenant: user.tenantId })
      .andWhere('f.status = :status', { status: args.status ?? FormularyStatus.ACTIVE });
    const search = args.search?.trim();
    if (search) {
      const range = codePrefixRange(search);
      qb.andWhere(
        range
          ? '(strpos(f.generic_name, :search) > 0 OR left(f.national_code, :n) = :prefix OR left(f.product_key, :n) = :prefix)'
          : 'strpos(f.generic_name, :search) > 0',
        { search, n: range?.prefix.length ?? 0, prefix: range?.prefix ?? '' },
      );
    }
    if (args.tier) qb.andWhere(':tier = ANY(f.tiers)', { tier: args.tier });
    return paginate(
      qb,
      [
        { expr: 'f.generic_name', value: (r) => r.genericName },
        { expr: 'f.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
    );
  }

  /** An item of the caller's consortium; another tenant's answers NOT_FOUND. */
  async get(tenantId: string, id: string, em?: EntityManager, lock = false): Promise<FormularyItemEntity> {
    const item = isUUID(id)
      ? await (em ?? this.dataSource.manager).getRepository(FormularyItemEntity).findOne({
          where: { id, tenantId },
          ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
        })
      : null;
    if (!item) throw new NotFoundError('FormularyItem', '统一目录条目', id);
    return item;
  }

  /** Consortium admins, and pharmacists of the lead hospital (总医院 / 中心药房). */
  async assertCanManage(user: AuthUser, em?: EntityManager): Promise<void> {
    if (hasRole(user, Role.CONSORTIUM_ADMIN)) return;
    if (hasRole(user, Role.PHARMACIST)) {
      const inst = await this.network.institution(user.tenantId, user.institutionId, em);
      if (inst.kind === InstitutionKind.GENERAL_HOSPITAL && inst.active) return;
    }
    throw new ForbiddenError(
      '统一药品目录由医共体管理员和牵头医院(中心药房)药师维护 ' +
        '(the unified list is kept by consortium admins and the lead hospital’s pharmacists)',
    );
  }

  add(user: AuthUser, input: AddFormularyItemInput): Promise<FormularyItemEntity> {
    return this.dataSource.transaction(async (em) => {
      await this.assertCanManage(user, em);
      const base = await this.resolveDrug(em, input);
      const spec = clean(input.spec) ?? base.spec;
      if (!base.nationalCode && !spec) {
        throw new BadInputError('按品种键加入时须填写规格 (a spec is required with a product key)', {
          field: 'spec',
        });
      }
      const item = em.create(FormularyItemEntity, {
        tenantId: user.tenantId,
        nationalCode: base.nationalCode,
        productKey: base.productKey,
        genericName: clean(input.genericName) ?? base.genericName,
        dosageForm: clean(input.dosageForm) ?? base.dosageForm,
        spec,
        specKey: specKey(spec),
        tiers: sortTiers(input.tiers),
        substitutionGroup: clean(input.substitutionGroup) ?? null,
        status: FormularyStatus.ACTIVE,
        version: 1,
        note: clean(input.note) ?? null,
        retireReason: null,
        retiredAt: null,
        createdBy: user.id,
      });
      const existing = await this.existing(em, user.tenantId, item);
      if (existing) {
        throw new ConflictError('统一目录中已有此药品 (already on the unified list)', {
          existingId: existing.id,
        });
      }
      try {
        await em.insert(FormularyItemEntity, item);
      } catch (err) {
        // A parallel add of the same drug got there first.
        if (
          isUniqueViolation(err, 'formulary_item_code') ||
          isUniqueViolation(err, 'formulary_item_product_spec')
        ) {
          throw new ConflictError('统一目录中已有此药品 (already on the unified list)');
        }
        throw err;
      }
      const saved = await this.get(user.tenantId, item.id, em);
      await this.recordVersion(em, user, saved, 'CREATE', [...TRACKED], null);
      return saved;
    });
  }

  update(user: AuthUser, input: UpdateFormularyItemInput): Promise<FormularyItemEntity> {
    return this.dataSource.transaction(async (em) => {
      await this.assertCanManage(user, em);
      const item = await this.get(user.tenantId, input.id, em, true);
      this.assertVersion(item, input.expectedVersion);
      if (item.status !== FormularyStatus.ACTIVE)
        throw new InvalidTransitionError('FormularyItem', item.status, 'update');
      const next: Partial<FormularyItemEntity> = {};
      const genericName = clean(input.genericName);
      if (genericName) next.genericName = genericName;
      if (input.dosageForm !== undefined) next.dosageForm = clean(input.dosageForm) ?? null;
      if (input.spec !== undefined) {
        next.spec = clean(input.spec) ?? null;
        if (!item.nationalCode && !next.spec) {
          throw new BadInputError(
            '按品种键收录的条目须有规格 (an item without a national code needs a spec)',
            {
              field: 'spec',
            },
          );
        }
      }
      if (input.tiers) next.tiers = sortTiers(input.tiers);
      if (input.substitutionGroup !== undefined)
        next.substitutionGroup = clean(input.substitutionGroup) ?? null;
      if (input.note !== undefined) next.note = clean(input.note) ?? null;
      const changed = TRACKED.filter(
        (k) => k in next && JSON.stringify(next[k as keyof FormularyItemEntity]) !== JSON.stringify(item[k]),
      );
      // Nothing changes: no new version (a retried request stays one change).
      if (!changed.length) return item;
      const patch: Partial<FormularyItemEntity> = Object.fromEntries(changed.map((k) => [k, next[k]]));
      if ('spec' in patch) patch.specKey = specKey(patch.spec);
      patch.version = item.version + 1;
      try {
        await em.update(FormularyItemEntity, { id: item.id, tenantId: user.tenantId }, patch);
      } catch (err) {
        if (isUniqueViolation(err, 'formulary_item_product_spec')) {
          throw new ConflictError(
            '统一目录中已有同品种同规格的条目 (another item has this product and spec)',
          );
        }
        throw err;
      }
      const saved = await this.get(user.tenantId, item.id, em);
      await this.recordVersion(em, user, saved, 'UPDATE', changed, clean(input.reason) ?? null);
      return saved;
    });
  }

  retire(user: AuthUser, input: RetireFormularyItemInput): Promise<FormularyItemEntity> {
    return this.dataSource.transaction(async (em) => {
      await this.assertCanManage(user, em);
      const item = await this.get(user.tenantId, input.id, em, true);
      this.assertVersion(item, input.expectedVersion);
      if (item.status !== FormularyStatus.ACTIVE)
        throw new InvalidTransitionError('FormularyItem', item.status, 'retire');
      const reason = input.reason.trim();
      if (reason.length < 2) {
        throw new BadInputError('请填写停用原因 (give a reason, at least 2 characters)', { field: 'reason' });
      }
      await em.update(
        FormularyItemEntity,
        { id: item.id, tenantId: user.tenantId },
        {
          status: FormularyStatus.RETIRED,
          retireReason: reason,
          retiredAt: this.clock.now(),
          version: item.version + 1,
        },
      );
      const saved = await this.get(user.tenantId, item.id, em);
      await this.recordVersion(em, user, saved, 'RETIRE', ['status', 'retireReason'], reason);
      return saved;
    });
  }

  private assertVersion(item: FormularyItemEntity, expected: number | undefined) {
    if (expected !== undefined && expected !== item.version) {
      throw new ConflictError(
        `条目已被修改(当前版本 ${item.version}),请刷新后重试 (the item changed since you read it; reload and retry)`,
        { currentVersion: item.version },
      );
    }
  }

  /** What the input names in the dictionary: a national code, or a product key. */
  private async resolveDrug(
    em: EntityManager,
    input: AddFormularyItemInput,
  ): Promise<{
    nationalCode: string | null;
    productKey: string;
    genericName: string;
    dosageForm: string | null;
    spec: string | null;
  }> {
    const code = input.nationalCode?.trim().toUpperCase();
    const key = input.productKey?.trim().toUpperCase();
    if (!code && !key) {
      throw new BadInputError(
        '请给出医保药品代码,或品种键加规格 (give a national code, or a product key and a spec)',
        {
          field: 'nationalCode',
        },
      );
    }
    if (code) {
      const parts = parseNationalCode(code);
      if (!parts) {
        throw new BadInputError(
          `医保药品代码格式错误:${code.slice(0, 40)}(西药 X 开头 23 位、中成药 Z 开头 20 位) ` +
            '(malformed national code: X + 22 or Z + 19 characters)',
          { field: 'nationalCode' },
        );
      }
      if (key && key !== parts.productKey) {
        throw new BadInputError(
          `品种键与代码不符,代码的品种键为 ${parts.productKey} (the product key does not match the code)`,
          {
            field: 'productKey',
          },
        );
      }
      const drug = await em.getRepository(DrugCodeEntity).findOneBy({ code });
      if (!drug) {
        throw new BadInputError(
          `国家医保药品目录中没有代码 ${code},请先导入含此代码的目录版本 ` +
            '(unknown national code: import the dictionary edition that lists it)',
          { field: 'nationalCode', nationalCode: code },
        );
      }
      if (drug.status === DrugCodeStatus.RETIRED) {
        const edition = drug.retiredInEditionId
          ? await this.dictionary.editionLoader(undefined).load(drug.retiredInEditionId)
          : null;
        throw new BadInputError(
          `代码 ${code} 已在${edition ? `「${edition.name}」` : '新版目录'}中停用,请选用现行代码 ` +
            '(the code was retired by a newer edition; choose a current one)',
          { field: 'nationalCode', nationalCode: code, retiredIn: edition?.name ?? null },
        );
      }
      return {
        nationalCode: code,
        productKey: parts.productKey,
        genericName: drug.genericName,
        dosageForm: drug.dosageForm,
        spec: drug.spec,
      };
    }
    if (!PRODUCT_KEY.test(key!)) {
      throw new BadInputError(
        '品种键格式错误:西药为代码前 14 位、中成药为前 11 位 (malformed product key: the first 14 characters of an X code, 11 of a Z code)',
        { field: 'productKey' },
      );
    }
    const [sample] = (await this.dictionary.productCodes(key!, em, 50)).sort(
      (a, b) => Number(b.status === DrugCodeStatus.ACTIVE) - Number(a.status === DrugCodeStatus.ACTIVE),
    );
    if (!sample || sample.status !== DrugCodeStatus.ACTIVE) {
      throw new BadInputError(
        sample
          ? `品种键 ${key} 的代码均已停用 (every code of this product key was retired)`
          : `国家医保药品目录中没有品种键 ${key} (unknown product key)`,
        { field: 'productKey' },
      );
    }
    return {
      nationalCode: null,
      productKey: key!,
      genericName: sample.genericName,
      dosageForm: sample.dosageForm,
      spec: null,
    };
  }

  private async existing(em: EntityManager, tenantId: string, item: FormularyItemEntity) {
    return em.getRepository(FormularyItemEntity).findOne({
      where: item.nationalCode
        ? { tenantId, nationalCode: item.nationalCode, status: FormularyStatus.ACTIVE }
        : { tenantId, productKey: item.productKey, specKey: item.specKey, status: FormularyStatus.ACTIVE },
    });
  }

  private async recordVersion(
    em: EntityManager,
    user: AuthUser,
    item: FormularyItemEntity,
    action: FormularyAction,
    changed: string[],
    note: string | null,
  ): Promise<void> {
    await em.insert(FormularyItemVersionEntity, {
      tenantId: item.tenantId,
      formularyItemId: item.id,
      version: item.version,
      action,
      changed,
      snapshot: snapshot(item),
      note,
      actorUserId: user.id,
      at: this.clock.now(),
    } as QueryDeepPartialEntity<FormularyItemVersionEntity>);
    // Members' catalogues waiting for the list (pending, unmapped, or mapped to a retired item)
    // are matched again once this commits.
    await this.outbox.enqueue(em, {
      tenantId: item.tenantId,
      queue: QUEUES.DRUG_IMPORTS,
      jobName: JOBS.DRUG_CATALOGUE_REMATCH,
      payload: { tenantId: item.tenantId },
    });
    await this.audit.record(em, {
      action: `formulary.${action.toLowerCase()}`,
      entityType: 'FormularyItem',
      entityId: item.id,
      details: {
        version: item.version,
        changed,
        nationalCode: item.nationalCode,
        productKey: item.productKey,
      },
    });
  }

  // ---------- per-request loaders ----------

  readonly itemLoader: LoaderFactory<string, FormularyItemEntity | null> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource
        .getRepository(FormularyItemEntity)
        .findBy({ id: In([...ids]), tenantId: caller?.tenantId ?? '' });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  readonly versionsLoader: LoaderFactory<string, FormularyItemVersionEntity[]> = (caller) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(FormularyItemVersionEntity).find({
        where: { formularyItemId: In([...ids]), tenantId: caller?.tenantId ?? '' },
        order: { version: 'ASC' },
      });
      return ids.map((id) => rows.filter((r) => r.formularyItemId === id));
    });

  /** Active items of the same substitution group, by group key. */
  readonly groupLoader: LoaderFactory<string, FormularyItemEntity[]> = (caller) =>
    new DataLoader(async (keys) => {
      const rows = await this.dataSource.getRepository(FormularyItemEntity).find({
        where: {
          substitutionKey: In([...keys]),
          tenantId: caller?.tenantId ?? '',
          status: FormularyStatus.ACTIVE,
        },
        order: { genericName: 'ASC', id: 'ASC' },
      });
      return keys.map((k) => rows.filter((r) => r.substitutionKey === k));
    });
}
