import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, CurrentUser, GqlContext, Role, Roles } from '@yg/core';
import { InstitutionEntity, InstitutionModel, NetworkService } from '@yg/network';
import { ContinuityRateService } from './continuity-rate.service';
import {
  ContinuityRateArgs,
  ContinuityRateModel,
  ContinuityRateRowModel,
} from '../models/continuity-rate.models';

@Resolver(() => ContinuityRateModel)
export class ContinuityRateResolver {
  constructor(private readonly rates: ContinuityRateService) {}

  @Query(() => ContinuityRateModel, {
    description:
      '用药衔接率(按月、接收机构或全医共体) Medication continuity rate per month, institution or consortium',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.AUDITOR, Role.PHARMACIST, Role.INSTITUTION_ADMIN)
  medicationContinuityRate(
    @CurrentUser() user: AuthUser,
    @Args() args: ContinuityRateArgs,
  ): Promise<ContinuityRateModel> {
    return this.rates.rate(user, args);
  }
}

@Resolver(() => ContinuityRateRowModel)
export class ContinuityRateRowResolver {
  constructor(private readonly network: NetworkService) {}

  @ResolveField(() => InstitutionModel, { nullable: true })
  institution(
    @Parent() r: ContinuityRateRowModel,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(r.institutionId);
  }
}
