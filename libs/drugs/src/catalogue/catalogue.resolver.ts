import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, Connection, CurrentUser, GqlContext, Role, Roles } from '@yg/core';
import { InstitutionModel, NetworkService } from '@yg/network';
import {
  DrugCatalogueImportEntity,
  DrugCatalogueItemEntity,
  DrugCatalogueItemVersionEntity,
  DrugMappingEntity,
  DrugMappingHistoryEntity,
  DrugStockEntity,
  MappingReason,
} from '../entities/catalogue.entities';
import type { FormularyItemEntity } from '../entities/formulary.entities';
import { FormularyItemModel } from '../models/formulary.models';
import { ImportRowErrorModel } from '../models/drug.models';
import {
  CatalogueCoverageModel,
  CatalogueCoverageReportModel,
  CatalogueImportConnection,
  CatalogueImportModel,
  CatalogueItemConnection,
  CatalogueItemModel,
  CatalogueItemVersionModel,
  CatalogueMappingConnection,
  CatalogueMappingHistoryModel,
  CatalogueMappingModel,
  CatalogueMatchCountsModel,
  CatalogueStockModel,
  MappingProposalModel,
  UpdateStockResultModel,
} from '../models/catalogue.models';
import {
  CatalogueCoverageArgs,
  CatalogueImportsArgs,
  CatalogueItemsArgs,
  CatalogueMappingsArgs,
  ConfirmMappingArgs,
  RejectMappingArgs,
  RemapCatalogueItemArgs,
  UpdateStockInput,
} from '../dto/catalogue.inputs';
import { FormularyService } from '../formulary/formulary.service';
import { CatalogueQueries } from './catalogue-queries.service';
import { MappingDecisions } from './mapping-decisions.service';
import { StockService, StockUpdate } from './stock.service';
import type { StoredCandidate } from './catalogue-matching.service';

/** The service narrows pharmacists to their own institution's and the lead hospital's. */
const DECIDERS = [Role.PHARMACIST, Role.CONSORTIUM_ADMIN];
const KEEPERS = [Role.INSTITUTION_ADMIN, Role.PHARMACIST, Role.CONSORTIUM_ADMIN];

const texts = (reasons: MappingReason[], code: string) =>
  reasons.filter((r) => r.code === code).map((r) => r.detail ?? '');
const num = (v: string | number | null) => (v === null ? null : Number(v));

@Resolver(() => CatalogueImportModel)
export class CatalogueImportResolver {
  constructor(
    private readonly queries: CatalogueQueries,
    private readonly network: NetworkService,
  ) {}

  @Query(() => CatalogueImportModel, {
    description: '一次目录导入:进度、结果与错误行 One catalogue import: progress, outcome, bad rows',
  })
  catalogueImport(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DrugCatalogueImportEntity> {
    return this.queries.importById(user, id);
  }

  @Query(() => CatalogueImportConnection, {
    description: '机构的目录导入(新的在前) An institution’s catalogue imports, newest first',
  })
  catalogueImports(
    @CurrentUser() user: AuthUser,
    @Args() args: CatalogueImportsArgs,
  ): Promise<Connection<DrugCatalogueImportEntity>> {
    return this.queries.imports(user, args);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  institution(@Parent() r: DrugCatalogueImportEntity, @Context() ctx: GqlContext) {
    return ctx.loaders.get(this.network.institutionLoader).load(r.institutionId);
  }

  @ResolveField(() => CatalogueMatchCountsModel)
  matchCounts(@Parent() r: DrugCatalogueImportEntity): CatalogueMatchCountsModel {
    const c = r.matchCounts ?? {};
    return {
      autoConfirmed: c.AUTO_CONFIRMED ?? 0,
      proposed: c.PROPOSED ?? 0,
      unmapped: c.UNMAPPED ?? 0,
      invalid: c.INVALID ?? 0,
      kept: c.KEPT ?? 0,
    };
  }

  @ResolveField(() => [ImportRowErrorModel], {
    description:
      '错误行(最多保存前 1000 行,rowsBad 为总数) Bad rows: the first 1,000 are kept, rowsBad counts all',
  })
  errors(
    @Parent() r: DrugCatalogueImportEntity,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number,
    @Args('offset', { type: () => Int, nullable: true, defaultValue: 0 }) offset: number,
  ): ImportRowErrorModel[] {
    const from = Math.max(0, offset);
    return r.errors.slice(from, from + Math.min(Math.max(first, 0), 1000));
  }
}

@Resolver(() => CatalogueItemModel)
export class CatalogueItemResolver {
  constructor(
    private readonly queries: CatalogueQueries,
    private readonly stocks: StockService,
    private readonly network: NetworkService,
  ) {}

  @Query(() => CatalogueItemConnection, {
    description: '机构自有药品目录,含对照与库存 A member’s own catalogue, with mappings and stock',
  })
  catalogueItems(
    @CurrentUser() user: AuthUser,
    @Args() args: CatalogueItemsArgs,
  ): Promise<Connection<DrugCatalogueItemEntity>> {
    return this.queries.items(user, args);
  }

  @Query(() => CatalogueItemModel, { description: '机构目录条目 One catalogue item' })
  catalogueItem(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DrugCatalogueItemEntity> {
    return this.queries.item(user, id);
  }

  @Mutation(() => UpdateStockResultModel, {
    description: '设置库存(绝对数量,最多 500 条) Set on-hand quantities, up to 500 items',
  })
  @Roles(...KEEPERS)
  updateStock(@CurrentUser() user: AuthUser, @Args('input') input: UpdateStockInput): Promise<StockUpdate> {
    return this.stocks.update(user, input);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  institution(@Parent() i: DrugCatalogueItemEntity, @Context() ctx: GqlContext) {
    return ctx.loaders.get(this.network.institutionLoader).load(i.institutionId);
  }

  @ResolveField(() => Number, { nullable: true, name: 'packFactor' })
  packFactor(@Parent() i: DrugCatalogueItemEntity): number | null {
    return num(i.packFactor);
  }

  @ResolveField(() => CatalogueMappingModel, { nullable: true })
  mapping(
    @Parent() i: DrugCatalogueItemEntity,
    @Context() ctx: GqlContext,
  ): Promise<DrugMappingEntity | null> {
    return ctx.loaders.get(this.queries.mappingLoader).load(i.id);
  }

  @ResolveField(() => CatalogueStockModel, { nullable: true, description: '无记录为未知 Null: not known' })
  stock(@Parent() i: DrugCatalogueItemEntity, @Context() ctx: GqlContext): Promise<DrugStockEntity | null> {
    return ctx.loaders.get(this.queries.stockLoader).load(i.id);
  }

  @ResolveField(() => [CatalogueItemVersionModel], { description: '版本(旧的在前) Versions, oldest first' })
  versions(
    @Parent() i: DrugCatalogueItemEntity,
    @Context() ctx: GqlContext,
  ): Promise<DrugCatalogueItemVersionEntity[]> {
    return ctx.loaders.get(this.queries.versionsLoader).load(i.id);
  }
}

@Resolver(() => CatalogueStockModel)
export class CatalogueStockResolver {
  @ResolveField(() => Number, { name: 'onHand' })
  onHand(@Parent() s: DrugStockEntity): number {
    return Number(s.onHand);
  }
}

@Resolver(() => CatalogueMappingModel)
export class CatalogueMappingResolver {
  constructor(
    private readonly queries: CatalogueQueries,
    private readonly decisions: MappingDecisions,
    private readonly formulary: FormularyService,
  ) {}

  @Query(() => CatalogueMappingConnection, {
    description: '对照待办(默认待药师确认,旧的在前) Mappings to review: PROPOSED by default, oldest first',
  })
  catalogueMappings(
    @CurrentUser() user: AuthUser,
    @Args() args: CatalogueMappingsArgs,
  ): Promise<Connection<DrugMappingEntity>> {
    return this.queries.mappings(user, args);
  }

  @Query(() => CatalogueCoverageReportModel, {
    description: '对照覆盖率:已对照/待确认/未对照/无效 Coverage: mapped, pending, unmapped, invalid',
  })
  catalogueCoverage(
    @CurrentUser() user: AuthUser,
    @Args() args: CatalogueCoverageArgs,
  ): Promise<CatalogueCoverageReportModel> {
    return this.queries.coverage(user, args);
  }

  @Mutation(() => CatalogueMappingModel, {
    description: '确认对照(可改选候选或其他条目) Confirm the proposal, or another unified-list item',
  })
  @Roles(...DECIDERS)
  confirmMapping(
    @CurrentUser() user: AuthUser,
    @Args() args: ConfirmMappingArgs,
  ): Promise<DrugMappingEntity> {
    return this.decisions.confirm(user, args.id, args.formularyItemId, args.expectedVersion);
  }

  @Mutation(() => CatalogueMappingModel, { description: '驳回对照建议 Reject the proposal, with a reason' })
  @Roles(...DECIDERS)
  rejectMapping(@CurrentUser() user: AuthUser, @Args() args: RejectMappingArgs): Promise<DrugMappingEntity> {
    return this.decisions.reject(user, args.id, args.reason, args.expectedVersion);
  }

  @Mutation(() => CatalogueMappingModel, {
    description:
      '改对照到指定统一目录条目(保留历史) Map an item to another unified-list item, keeping the history',
  })
  @Roles(...DECIDERS)
  remapCatalogueItem(
    @CurrentUser() user: AuthUser,
    @Args() args: RemapCatalogueItemArgs,
  ): Promise<DrugMappingEntity> {
    return this.decisions.remap(user, args.itemId, args.formularyItemId, args.reason, args.expectedVersion);
  }

  @ResolveField(() => ID)
  id(@Parent() m: DrugMappingEntity): string {
    return m.catalogueItemId;
  }

  @ResolveField(() => Number, { nullable: true, name: 'score' })
  score(@Parent() m: DrugMappingEntity): number | null {
    return num(m.score);
  }

  @ResolveField(() => [String])
  reasons(@Parent() m: DrugMappingEntity): string[] {
    return texts(m.reasons, 'MATCH');
  }

  @ResolveField(() => [String])
  warnings(@Parent() m: DrugMappingEntity): string[] {
    return texts(m.reasons, 'WARNING');
  }

  @ResolveField(() => [String])
  problems(@Parent() m: DrugMappingEntity): string[] {
    return texts(m.reasons, 'PROBLEM');
  }

  @ResolveField(() => String, { nullable: true })
  note(@Parent() m: DrugMappingEntity): string | null {
    return texts(m.reasons, 'DECISION')[0] ?? null;
  }

  @ResolveField(() => [MappingProposalModel])
  proposals(@Parent() m: DrugMappingEntity): StoredCandidate[] {
    return m.candidates as unknown as StoredCandidate[];
  }

  @ResolveField(() => CatalogueItemModel, { nullable: true })
  item(@Parent() m: DrugMappingEntity, @Context() ctx: GqlContext): Promise<DrugCatalogueItemEntity | null> {
    return ctx.loaders.get(this.queries.itemLoader).load(m.catalogueItemId);
  }

  @ResolveField(() => FormularyItemModel, {
    nullable: true,
    description: '对照到的统一目录条目 The unified-list item',
  })
  formularyItem(
    @Parent() m: DrugMappingEntity,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemEntity | null> | null {
    return m.formularyItemId ? ctx.loaders.get(this.formulary.itemLoader).load(m.formularyItemId) : null;
  }

  @ResolveField(() => [CatalogueMappingHistoryModel], {
    description: '历次对照(旧的在前) Every version, oldest first',
  })
  history(@Parent() m: DrugMappingEntity, @Context() ctx: GqlContext): Promise<DrugMappingHistoryEntity[]> {
    return ctx.loaders.get(this.queries.historyLoader).load(m.catalogueItemId);
  }
}

@Resolver(() => MappingProposalModel)
export class MappingProposalResolver {
  constructor(private readonly formulary: FormularyService) {}

  @ResolveField(() => FormularyItemModel, { nullable: true })
  formularyItem(
    @Parent() p: StoredCandidate,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemEntity | null> {
    return ctx.loaders.get(this.formulary.itemLoader).load(p.formularyItemId);
  }
}

@Resolver(() => CatalogueMappingHistoryModel)
export class CatalogueMappingHistoryResolver {
  @ResolveField(() => Number, { nullable: true, name: 'score' })
  score(@Parent() h: DrugMappingHistoryEntity): number | null {
    return num(h.score);
  }

  @ResolveField(() => [String])
  reasons(@Parent() h: DrugMappingHistoryEntity): string[] {
    return texts(h.reasons, 'MATCH');
  }

  @ResolveField(() => [String])
  warnings(@Parent() h: DrugMappingHistoryEntity): string[] {
    return texts(h.reasons, 'WARNING');
  }
}

@Resolver(() => CatalogueCoverageModel)
export class CatalogueCoverageResolver {
  constructor(private readonly network: NetworkService) {}

  @ResolveField(() => InstitutionModel, { nullable: true, description: '合计行为空 Null on the total' })
  institution(@Parent() c: CatalogueCoverageModel, @Context() ctx: GqlContext) {
    return c.institutionId ? ctx.loaders.get(this.network.institutionLoader).load(c.institutionId) : null;
  }
}
