import { Args, Context, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, CurrentUser, GqlContext } from '@yg/core';
import { InstitutionEntity, InstitutionModel, NetworkService } from '@yg/network';
import { ReferralEntity, ReferralModel } from '@yg/referrals';
import { ContinuityQueries } from './continuity-queries.service';
import { MedicationContinuityCheckEntity } from '../entities/continuity.entities';
import { FormularyItemEntity } from '../entities/formulary.entities';
import { DrugCatalogueItemEntity } from '../entities/catalogue.entities';
import {
  ContinuityCheckModel,
  ContinuityItemModel,
  ContinuityItemRow,
  ContinuityLocalItemModel,
} from '../models/continuity.models';
import { FormularyItemModel } from '../models/formulary.models';

/** The referral, seen from drugs: its plan's continuity, added to the referral type without referrals knowing. */
@Resolver(() => ReferralModel)
export class ReferralContinuityResolver {
  constructor(private readonly queries: ContinuityQueries) {}

  @ResolveField(() => ContinuityCheckModel, {
    nullable: true,
    description: '用药衔接(当前核对;仅下转) Medication continuity, the current check (DOWN referrals)',
  })
  async medicationContinuity(
    @Parent() r: ReferralEntity,
    @Context() ctx: GqlContext,
  ): Promise<MedicationContinuityCheckEntity | null> {
    const checks = await ctx.loaders.get(this.queries.checksLoader).load(r.id);
    return checks.find((c) => c.current) ?? null;
  }

  @ResolveField(() => [ContinuityCheckModel], {
    description:
      '全部用药衔接核对(旧的在前;首个为提交时) Every check, oldest first; the first was made at submission',
  })
  medicationContinuityChecks(
    @Parent() r: ReferralEntity,
    @Context() ctx: GqlContext,
  ): Promise<MedicationContinuityCheckEntity[]> {
    return ctx.loaders.get(this.queries.checksLoader).load(r.id);
  }
}

@Resolver(() => ContinuityCheckModel)
export class ContinuityCheckResolver {
  constructor(
    private readonly queries: ContinuityQueries,
    private readonly network: NetworkService,
  ) {}

  @Query(() => ContinuityCheckModel, {
    nullable: true,
    description: '转诊的当前用药衔接核对 The current continuity check of a referral',
  })
  async medicationContinuity(
    @CurrentUser() user: AuthUser,
    @Args('referralId', { type: () => ID }) referralId: string,
  ): Promise<MedicationContinuityCheckEntity | null> {
    const [current] = await this.queries.forReferral(user, referralId, false);
    return current ?? null;
  }

  @Query(() => [ContinuityCheckModel], {
    description: '转诊的全部用药衔接核对(旧的在前) Every continuity check of a referral, oldest first',
  })
  medicationContinuityChecks(
    @CurrentUser() user: AuthUser,
    @Args('referralId', { type: () => ID }) referralId: string,
  ): Promise<MedicationContinuityCheckEntity[]> {
    return this.queries.forReferral(user, referralId, true);
  }

  @ResolveField(() => [ContinuityItemModel], { description: '逐项结果(按计划顺序) Per item, in plan order' })
  items(
    @Parent() c: MedicationContinuityCheckEntity,
    @Context() ctx: GqlContext,
  ): Promise<ContinuityItemRow[]> {
    return ctx.loaders.get(this.queries.itemsLoader).load(c.id);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  receivingInstitution(
    @Parent() c: MedicationContinuityCheckEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(c.receivingInstitutionId);
  }
}

@Resolver(() => ContinuityItemModel)
export class ContinuityItemResolver {
  constructor(private readonly queries: ContinuityQueries) {}

  @ResolveField(() => FormularyItemModel, {
    nullable: true,
    description: '计划的统一目录条目 The item planned',
  })
  plannedItem(
    @Parent() i: ContinuityItemRow,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemEntity | null> | null {
    return i.plannedItemId ? ctx.loaders.get(this.queries.formularyLoader).load(i.plannedItemId) : null;
  }

  @ResolveField(() => FormularyItemModel, {
    nullable: true,
    description: '将发放的统一目录条目 The item dispensed',
  })
  formularyItem(
    @Parent() i: ContinuityItemRow,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemEntity | null> | null {
    return i.formularyItemId ? ctx.loaders.get(this.queries.formularyLoader).load(i.formularyItemId) : null;
  }

  @ResolveField(() => ContinuityLocalItemModel, {
    nullable: true,
    description: '接收机构的对应本地药品 The receiving institution’s item',
  })
  localItem(
    @Parent() i: ContinuityItemRow,
    @Context() ctx: GqlContext,
  ): Promise<DrugCatalogueItemEntity | null> | null {
    return i.catalogueItemId ? ctx.loaders.get(this.queries.localItemLoader).load(i.catalogueItemId) : null;
  }
}
