import { Args, Context, ID, Info, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import {
  attachPreloaded,
  AuthUser,
  Connection,
  CurrentUser,
  GqlContext,
  preloadSelected,
  Role,
  Roles,
  selectedFields,
} from '@yg/core';
import {
  DepartmentEntity,
  DepartmentModel,
  InstitutionEntity,
  InstitutionModel,
  NetworkService,
  PractitionerEntity,
  PractitionerModel,
} from '@yg/network';
import { PatientSummary, PatientSummaryLoader, PatientSummaryModel } from '@yg/patients';
import { ReferralsService } from './referrals.service';
import { ReferralAttachments } from './referral-attachments.service';
import { ReferralQueries, WorklistSelection } from './referral-queries.service';
import { ReferralSettingsService, VersionedReferralSettings } from './referral-settings.service';
import { ReferralSettingsInput, ReferralSettingsModel } from './dto/referral-settings.dto';
import { ReferralEntity } from './entities/referral.entity';
import { ReferralStepEntity } from './entities/referral-step.entity';
import {
  ReferralConnection,
  ReferralCountsModel,
  ReferralModel,
  ReferralStepModel,
} from './models/referral.models';
import {
  AcceptReferralInput,
  AddReferralAttachmentsInput,
  CancelReferralInput,
  CreateReferralInput,
  ReferralFilterArgs,
  ReferralNoteInput,
  ReferralsArgs,
  RejectReferralInput,
} from './dto/referral.inputs';

const CLINICAL = [Role.CLINICIAN, Role.REFERRAL_COORDINATOR];

@Resolver(() => ReferralModel)
export class ReferralsResolver {
  constructor(
    private readonly service: ReferralsService,
    private readonly queries: ReferralQueries,
    private readonly network: NetworkService,
    private readonly patients: PatientSummaryLoader,
    private readonly settings: ReferralSettingsService,
    private readonly attachments: ReferralAttachments,
  ) {}

  @Query(() => ReferralSettingsModel, { description: '转诊时限设置 Referral timings' })
  referralSettings(@CurrentUser() user: AuthUser): Promise<VersionedReferralSettings> {
    return this.settings.get(user);
  }

  @Mutation(() => ReferralSettingsModel, { description: '修改转诊时限 Change referral timings' })
  @Roles(Role.CONSORTIUM_ADMIN)
  updateReferralSettings(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReferralSettingsInput,
  ): Promise<VersionedReferralSettings> {
    return this.settings.update(user, input);
  }

  @Query(() => ReferralModel, { description: '转诊单详情 One referral' })
  referral(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ReferralEntity> {
    return this.queries.get(user, id);
  }

  @Query(() => ReferralConnection, {
    description: '转诊工作列表(按紧急程度、时限排序) Worklist, most urgent first',
  })
  async referrals(
    @CurrentUser() user: AuthUser,
    @Args() args: ReferralsArgs,
    @Context() ctx: GqlContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<ReferralEntity>> {
    const selected = selectedFields(info, ['nodes']);
    const under = (field: string) =>
      selected.has(field) ? selectedFields(info, ['nodes', field]) : undefined;
    const selection: WorklistSelection = {
      fields: selected,
      patient: selected.has('patient'),
      fromInstitution: under('fromInstitution'),
      toInstitution: under('toInstitution'),
      toDepartment: under('toDepartment'),
    };
    // The page's statement reads the related rows, and writes the audit event for the patients shown.
    const page = await this.queries.list(user, args, selection);
    for (const row of page.nodes) attachPreloaded(row, row.related);
    // What the statement does not read (practitioner, timeline): one batch per field.
    const { fromPractitioner, timeline } = this.relations(ctx);
    await preloadSelected(page.nodes, info, ['nodes'], { fromPractitioner, timeline });
    return page;
  }

  @Query(() => ReferralCountsModel, { description: '工作台计数 Counts per state' })
  referralCounts(
    @CurrentUser() user: AuthUser,
    @Args() args: ReferralFilterArgs,
  ): Promise<ReferralCountsModel> {
    return this.queries.counts(user, args);
  }

  @Mutation(() => ReferralModel, {
    description: '新建转诊单(可同时提交) Create a referral, optionally submitting it',
  })
  @Roles(...CLINICAL)
  createReferral(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateReferralInput,
  ): Promise<ReferralEntity> {
    return this.service.create(user, input);
  }

  @Mutation(() => ReferralModel, { description: '提交 Submit' })
  @Roles(...CLINICAL)
  submitReferral(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReferralNoteInput,
  ): Promise<ReferralEntity> {
    return this.service.submit(user, input);
  }

  @Mutation(() => ReferralModel, { description: '接收(预约或床位) Accept with an appointment or a bed' })
  @Roles(...CLINICAL)
  acceptReferral(
    @CurrentUser() user: AuthUser,
    @Args('input') input: AcceptReferralInput,
  ): Promise<ReferralEntity> {
    return this.service.accept(user, input);
  }

  @Mutation(() => ReferralModel, { description: '退回(须填原因) Reject with a reason' })
  @Roles(...CLINICAL)
  rejectReferral(
    @CurrentUser() user: AuthUser,
    @Args('input') input: RejectReferralInput,
  ): Promise<ReferralEntity> {
    return this.service.reject(user, input);
  }

  @Mutation(() => ReferralModel, { description: '撤销(转出方) Cancel, by the sender' })
  @Roles(...CLINICAL)
  cancelReferral(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CancelReferralInput,
  ): Promise<ReferralEntity> {
    return this.service.cancel(user, input);
  }

  @Mutation(() => ReferralModel, { description: '登记到诊 Record arrival' })
  @Roles(...CLINICAL)
  recordReferralArrival(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReferralNoteInput,
  ): Promise<ReferralEntity> {
    return this.service.recordArrival(user, input);
  }

  @Mutation(() => ReferralModel, { description: '结案 Complete' })
  @Roles(...CLINICAL)
  completeReferral(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReferralNoteInput,
  ): Promise<ReferralEntity> {
    return this.service.complete(user, input);
  }

  @Mutation(() => ReferralModel, {
    description:
      '补充附件(转出方至结案前;接收方于接收后、结案前) Add attachments: the sender until the referral closes, the receiver once it has accepted',
  })
  @Roles(...CLINICAL)
  addReferralAttachments(
    @CurrentUser() user: AuthUser,
    @Args('input') input: AddReferralAttachmentsInput,
  ): Promise<ReferralEntity> {
    return this.attachments.add(user, input);
  }

  @ResolveField(() => PatientSummaryModel, { nullable: true })
  patient(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<PatientSummary | null> {
    return this.relations(ctx).patient(r);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  fromInstitution(
    @Parent() r: ReferralEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return this.relations(ctx).fromInstitution(r);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  toInstitution(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<InstitutionEntity | null> {
    return this.relations(ctx).toInstitution(r);
  }

  @ResolveField(() => DepartmentModel, { nullable: true })
  toDepartment(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<DepartmentEntity | null> {
    return this.relations(ctx).toDepartment(r);
  }

  @ResolveField(() => PractitionerModel, { nullable: true })
  fromPractitioner(
    @Parent() r: ReferralEntity,
    @Context() ctx: GqlContext,
  ): Promise<PractitionerEntity | null> {
    return this.relations(ctx).fromPractitioner(r);
  }

  @ResolveField(() => [ReferralStepModel], { description: '时间线 Timeline' })
  timeline(@Parent() r: ReferralEntity, @Context() ctx: GqlContext): Promise<ReferralStepEntity[]> {
    return this.relations(ctx).timeline(r);
  }

  /** How a referral's related objects load: for one referral, or preloaded for a worklist page. */
  private relations(ctx: GqlContext) {
    const { loaders } = ctx;
    return {
      patient: (r: ReferralEntity) => loaders.get(this.patients.factory).load(r.patientId),
      fromInstitution: (r: ReferralEntity) =>
        loaders.get(this.network.institutionLoader).load(r.fromInstitutionId),
      toInstitution: (r: ReferralEntity) =>
        loaders.get(this.network.institutionLoader).load(r.toInstitutionId),
      toDepartment: (r: ReferralEntity) =>
        r.toDepartmentId
          ? loaders.get(this.network.departmentLoader).load(r.toDepartmentId)
          : Promise.resolve(null),
      fromPractitioner: (r: ReferralEntity) =>
        r.fromPractitionerId
          ? loaders.get(this.network.practitionerLoader).load(r.fromPractitionerId)
          : Promise.resolve(null),
      timeline: (r: ReferralEntity) => loaders.get(this.queries.timelineLoader).load(r.id),
    };
  }
}
