import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, CurrentUser, Role, Roles } from '@yg/core';
import {
  CreateUnificationItemInput,
  DimensionResultModel,
  EvidenceListArgs,
  EvidenceModel,
  ItemResultModel,
  ItemVersionsArgs,
  RecordEvidenceInput,
  ReviewEvidenceInput,
  SevenUnificationsArgs,
  SevenUnificationsModel,
  UnificationItemModel,
  UpdateUnificationItemInput,
} from './models/unification.models';
import { DimensionResult } from './domain/evaluate';
import {
  CONSORTIUM_RULE,
  DIMENSIONS,
  ItemResult,
  QUALITATIVE,
  ReviewStatus,
  UnificationItem,
} from './domain/scorecard';
import { UnificationItems } from './services/unification-items.service';
import { UnificationEvidence } from './services/unification-evidence.service';
import { UnificationScorecards } from './services/unification-scorecards.service';

const READERS = [Role.CONSORTIUM_ADMIN, Role.AUDITOR, Role.INSTITUTION_ADMIN];
const nameOf = (d: string) => DIMENSIONS.find((x) => x.dimension === d)!.nameZh;

function itemModel(i: UnificationItem): UnificationItemModel {
  return { ...i, own: i.tenantId !== null };
}

function resultModel(r: ItemResult): ItemResultModel {
  const { item, ...rest } = r;
  return {
    ...rest,
    code: item.code,
    version: item.version,
    nameZh: item.nameZh,
    nameEn: item.nameEn,
    kind: item.kind,
    data: item.data,
    evidence: item.evidence,
  };
}

function dimensionModel(d: DimensionResult): DimensionResultModel {
  return { ...d, nameZh: nameOf(d.dimension), items: d.items.map(resultModel) };
}

@Resolver()
export class UnificationResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly items: UnificationItems,
    private readonly evidence: UnificationEvidence,
    private readonly scorecards: UnificationScorecards,
  ) {}

  @Query(() => SevenUnificationsModel, {
    description: '七统一评估:各机构各维度结果及理由,范围汇总 The seven-unification scorecard',
  })
  @Roles(...READERS)
  async sevenUnifications(
    @CurrentUser() user: AuthUser,
    @Args() args: SevenUnificationsArgs,
  ): Promise<SevenUnificationsModel> {
    const r = await this.scorecards.report(user, args.scope, args.period);
    return {
      scope: { kind: r.scopeKind, tier: r.tier, institutionId: r.institutionId },
      period: { kind: args.period.kind, month: args.period.month, label: r.label, from: r.from, to: r.to },
      institutions: r.card.institutions.map((c) => ({
        institutionId: c.institution.id,
        name: c.institution.name,
        tier: c.institution.tier,
        dimensions: c.dimensions.map(dimensionModel),
      })),
      rollup: r.card.rollup.map((x) => ({
        dimension: x.dimension,
        nameZh: nameOf(x.dimension),
        ...x.counts,
        outcome: x.outcome,
      })),
      rule: CONSORTIUM_RULE,
      qualitative: r.card.qualitative.map((q) => ({ ...q, nameZh: QUALITATIVE[q.key].nameZh })),
    };
  }

  @Query(() => [UnificationItemModel], {
    description: '现行七统一评估项,或某项的全部版本(新的在前) Items in force, or one item’s versions',
  })
  @Roles(...READERS)
  async unificationItems(
    @CurrentUser() user: AuthUser,
    @Args() args: ItemVersionsArgs,
  ): Promise<UnificationItemModel[]> {
    const em = this.dataSource.manager;
    const list = args.code
      ? await this.items.versions(em, user.tenantId, args.code)
      : await this.items.current(em, user.tenantId);
    return list.map(itemModel);
  }

  @Mutation(() => UnificationItemModel, {
    description: '修改评估项(生成新版本;已结束的期间保留原版本) Edit an item: a new version',
  })
  @Roles(Role.CONSORTIUM_ADMIN)
  async updateUnificationItem(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateUnificationItemInput,
  ): Promise<UnificationItemModel> {
    return itemModel(await this.items.update(user, input));
  }

  @Mutation(() => UnificationItemModel, {
    description: '新增本医共体的评估项(自当期起评价) Add an item of the consortium’s own',
  })
  @Roles(Role.CONSORTIUM_ADMIN)
  async createUnificationItem(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateUnificationItemInput,
  ): Promise<UnificationItemModel> {
    return itemModel(await this.items.create(user, input));
  }

  @Query(() => [EvidenceModel], { description: '七统一佐证材料 Evidence records' })
  @Roles(...READERS)
  unificationEvidence(
    @CurrentUser() user: AuthUser,
    @Args() args: EvidenceListArgs,
  ): Promise<EvidenceModel[]> {
    return this.evidence.list(user, args);
  }

  @Mutation(() => EvidenceModel, { description: '录入佐证材料 Record an evidence document' })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  recordUnificationEvidence(
    @CurrentUser() user: AuthUser,
    @Args('input') input: RecordEvidenceInput,
  ): Promise<EvidenceModel> {
    return this.evidence.record(user, input);
  }

  @Mutation(() => EvidenceModel, {
    description: '审核佐证材料(不能审核自己录入的) Accept or reject an evidence record',
  })
  @Roles(Role.CONSORTIUM_ADMIN)
  reviewUnificationEvidence(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReviewEvidenceInput,
  ): Promise<EvidenceModel> {
    return this.evidence.review(user, {
      evidenceId: input.evidenceId,
      decision: input.decision as unknown as ReviewStatus.ACCEPTED | ReviewStatus.REJECTED,
      reason: input.reason,
    });
  }
}
