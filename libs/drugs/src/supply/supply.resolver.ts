import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, Connection, CurrentUser, GqlContext, Role, Roles } from '@yg/core';
import { InstitutionEntity, InstitutionModel, NetworkService } from '@yg/network';
import { SupplyService } from './supply.service';
import { SupplyQueries } from './supply-queries.service';
import { SupplySettingsService, VersionedSupplySettings } from './supply-settings.service';
import { ContinuityQueries } from '../continuity/continuity-queries.service';
import { SupplyRequestEntity, SupplyRequestStepEntity } from '../entities/supply.entities';
import { FormularyItemEntity } from '../entities/formulary.entities';
import { FormularyItemModel } from '../models/formulary.models';
import {
  SupplyRequestConnection,
  SupplyRequestModel,
  SupplyRequestStepModel,
  SupplySettingsModel,
} from '../models/supply.models';
import {
  ApproveSupplyRequestInput,
  CreateSupplyRequestInput,
  DispatchSupplyRequestInput,
  ReceiveSupplyRequestInput,
  RejectSupplyRequestInput,
  SupplyRequestsArgs,
  SupplySettingsInput,
} from '../dto/supply.inputs';

/** Who may read supply requests at all; the service narrows it to the ones each may see. */
const READERS = [
  Role.CLINICIAN,
  Role.PHARMACIST,
  Role.REFERRAL_COORDINATOR,
  Role.INSTITUTION_ADMIN,
  Role.CONSORTIUM_ADMIN,
  Role.AUDITOR,
];
const RAISERS = [Role.CLINICIAN, Role.PHARMACIST, Role.REFERRAL_COORDINATOR, Role.CONSORTIUM_ADMIN];
const DECIDERS = [Role.PHARMACIST, Role.CONSORTIUM_ADMIN];
const RECEIVERS = [Role.CLINICIAN, Role.PHARMACIST, Role.REFERRAL_COORDINATOR, Role.INSTITUTION_ADMIN];

@Resolver(() => SupplyRequestModel)
export class SupplyResolver {
  constructor(
    private readonly service: SupplyService,
    private readonly queries: SupplyQueries,
    private readonly settings: SupplySettingsService,
    private readonly continuity: ContinuityQueries,
    private readonly network: NetworkService,
  ) {}

  @Query(() => SupplyRequestConnection, {
    description: '缺药登记列表(新的在前) Supply requests, newest first',
  })
  @Roles(...READERS)
  supplyRequests(
    @CurrentUser() user: AuthUser,
    @Args() args: SupplyRequestsArgs,
  ): Promise<Connection<SupplyRequestEntity>> {
    return this.queries.list(user, args);
  }

  @Query(() => SupplyRequestModel, { description: '缺药登记详情 One supply request' })
  @Roles(...READERS)
  supplyRequest(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<SupplyRequestEntity> {
    return this.queries.get(user, id);
  }

  @Mutation(() => SupplyRequestModel, { description: '登记缺药,向中心药房申请 Raise a supply request' })
  @Roles(...RAISERS)
  createSupplyRequest(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateSupplyRequestInput,
  ): Promise<SupplyRequestEntity> {
    return this.service.create(user, input);
  }

  @Mutation(() => SupplyRequestModel, { description: '批准(中心药房) Approve, by the central pharmacy' })
  @Roles(...DECIDERS)
  approveSupplyRequest(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ApproveSupplyRequestInput,
  ): Promise<SupplyRequestEntity> {
    return this.service.approve(user, input);
  }

  @Mutation(() => SupplyRequestModel, { description: '驳回(须填原因) Reject with a reason' })
  @Roles(...DECIDERS)
  rejectSupplyRequest(
    @CurrentUser() user: AuthUser,
    @Args('input') input: RejectSupplyRequestInput,
  ): Promise<SupplyRequestEntity> {
    return this.service.reject(user, input);
  }

  @Mutation(() => SupplyRequestModel, { description: '配送 Dispatch' })
  @Roles(...DECIDERS)
  dispatchSupplyRequest(
    @CurrentUser() user: AuthUser,
    @Args('input') input: DispatchSupplyRequestInput,
  ): Promise<SupplyRequestEntity> {
    return this.service.dispatch(user, input);
  }

  @Mutation(() => SupplyRequestModel, {
    description: '确认收货(入库并复核用药衔接) Receive: adds the stock and re-checks continuity',
  })
  @Roles(...RECEIVERS)
  receiveSupplyRequest(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReceiveSupplyRequestInput,
  ): Promise<SupplyRequestEntity> {
    return this.service.receive(user, input);
  }

  @Query(() => SupplySettingsModel, { description: '缺药登记时限设置 Supply-request timings' })
  supplySettings(@CurrentUser() user: AuthUser): Promise<VersionedSupplySettings> {
    return this.settings.get(user);
  }

  @Mutation(() => SupplySettingsModel, { description: '修改缺药登记时限 Change supply-request timings' })
  @Roles(Role.CONSORTIUM_ADMIN)
  updateSupplySettings(
    @CurrentUser() user: AuthUser,
    @Args('input') input: SupplySettingsInput,
  ): Promise<VersionedSupplySettings> {
    return this.settings.update(user, input);
  }

  @ResolveField(() => [SupplyRequestStepModel], { description: '时间线 Timeline' })
  steps(@Parent() s: SupplyRequestEntity, @Context() ctx: GqlContext): Promise<SupplyRequestStepEntity[]> {
    return ctx.loaders.get(this.queries.stepsLoader).load(s.id);
  }

  @ResolveField(() => FormularyItemModel, { nullable: true })
  formularyItem(
    @Parent() s: SupplyRequestEntity,
    @Context() ctx: GqlContext,
  ): Promise<FormularyItemEntity | null> {
    return ctx.loaders.get(this.continuity.formularyLoader).load(s.formularyItemId);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  requestingInstitution(
    @Parent() s: SupplyRequestEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(s.requestingInstitutionId);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  supplyingInstitution(
    @Parent() s: SupplyRequestEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(s.supplyingInstitutionId);
  }
}
