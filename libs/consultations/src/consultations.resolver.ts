import { Args, Context, ID, Info, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import {
  AuthUser,
  Connection,
  CurrentUser,
  GqlContext,
  preloadedValue,
  preloadSelected,
  Role,
  Roles,
} from '@yg/core';
import {
  InstitutionEntity,
  InstitutionModel,
  NetworkService,
  PractitionerEntity,
  PractitionerModel,
} from '@yg/network';
import { PatientSummary, PatientSummaryLoader, PatientSummaryModel } from '@yg/patients';
import { ConsultationsService } from './consultations.service';
import { ConsultationAttachments } from './consultation-attachments.service';
import { BookingService } from './booking.service';
import { AvailabilityService } from './availability.service';
import {
  ConsultationExpertEntity,
  ConsultationEntity,
  ConsultationReportEntity,
  ConsultationStepEntity,
} from './entities/consultation.entity';
import {
  ConsultationConnection,
  ConsultationExpertModel,
  ConsultationModel,
  ConsultationReportModel,
  ConsultationStepModel,
  AvailabilityWindowModel,
  ExpertAvailabilityModel,
  ExpertSlotsModel,
} from './models/consultation.models';
import {
  AddConsultationAttachmentsInput,
  AvailabilityWindowsArgs,
  AvailableSlotsArgs,
  BookConsultationInput,
  ConsultationIdInput,
  ConsultationReasonInput,
  ConsultationsArgs,
  PublishAvailabilityInput,
  RequestConsultationInput,
  RescheduleConsultationInput,
  SubmitConsultationReportInput,
} from './dto/consultation.inputs';

const REQUESTING = [Role.CLINICIAN, Role.REFERRAL_COORDINATOR];

@Resolver(() => ConsultationModel)
export class ConsultationsResolver {
  constructor(
    private readonly service: ConsultationsService,
    private readonly booking: BookingService,
    private readonly availability: AvailabilityService,
    private readonly network: NetworkService,
    private readonly patients: PatientSummaryLoader,
    private readonly attachments: ConsultationAttachments,
  ) {}

  @Mutation(() => ExpertAvailabilityModel, { description: '发布专家出诊安排 Publish an expert schedule' })
  @Roles(Role.EXPERT, Role.INSTITUTION_ADMIN, Role.CONSORTIUM_ADMIN)
  publishAvailability(@CurrentUser() user: AuthUser, @Args('input') input: PublishAvailabilityInput) {
    return this.availability.publish(user, input);
  }

  @Query(() => ExpertAvailabilityModel, { description: '专家出诊安排 An expert schedule' })
  expertAvailability(@CurrentUser() user: AuthUser, @Args('expertId', { type: () => ID }) expertId: string) {
    return this.availability.schedule(user, expertId);
  }

  @Query(() => [ExpertSlotsModel], { description: '可预约时段(按专家、专科或合作医院) Free slots' })
  availableSlots(@CurrentUser() user: AuthUser, @Args() args: AvailableSlotsArgs) {
    return this.availability.availableSlots(user, args);
  }

  @Mutation(() => ConsultationModel, { description: '申请会诊 Request a consultation' })
  @Roles(Role.CLINICIAN)
  requestConsultation(@CurrentUser() user: AuthUser, @Args('input') input: RequestConsultationInput) {
    return this.service.request(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '预约专家(全部或全不) Book experts, all or none' })
  @Roles(...REQUESTING)
  bookConsultation(@CurrentUser() user: AuthUser, @Args('input') input: BookConsultationInput) {
    return this.booking.book(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '改期(保留历史) Reschedule, keeping the history' })
  @Roles(...REQUESTING)
  rescheduleConsultation(@CurrentUser() user: AuthUser, @Args('input') input: RescheduleConsultationInput) {
    return this.booking.reschedule(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '取消(申请方) Cancel, by the requester' })
  @Roles(...REQUESTING)
  cancelConsultation(@CurrentUser() user: AuthUser, @Args('input') input: ConsultationReasonInput) {
    return this.service.cancel(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '谢绝(受邀方) Decline, by the partner side' })
  @Roles(Role.EXPERT, Role.INSTITUTION_ADMIN)
  declineConsultation(@CurrentUser() user: AuthUser, @Args('input') input: ConsultationReasonInput) {
    return this.service.decline(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '开始会诊 Start the session' })
  @Roles(...REQUESTING, Role.EXPERT, Role.CONSORTIUM_ADMIN)
  startConsultation(@CurrentUser() user: AuthUser, @Args('input') input: ConsultationIdInput) {
    return this.service.start(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '结束会诊,开始计算报告时限 End the session' })
  @Roles(...REQUESTING, Role.EXPERT, Role.CONSORTIUM_ADMIN)
  endConsultation(@CurrentUser() user: AuthUser, @Args('input') input: ConsultationIdInput) {
    return this.service.end(user, input);
  }

  @Mutation(() => ConsultationReportModel, {
    description: '提交并签署报告(修订即新版本) Submit and sign a report',
  })
  @Roles(Role.EXPERT)
  submitConsultationReport(
    @CurrentUser() user: AuthUser,
    @Args('input') input: SubmitConsultationReportInput,
  ) {
    return this.service.submitReport(user, input);
  }

  @Mutation(() => ConsultationModel, {
    description:
      '补充资料(申请方,报告前) Add studies, by the requesting side, while requested, scheduled or in progress',
  })
  @Roles(...REQUESTING)
  addConsultationAttachments(
    @CurrentUser() user: AuthUser,
    @Args('input') input: AddConsultationAttachmentsInput,
  ) {
    return this.attachments.add(user, input);
  }

  @Mutation(() => ConsultationModel, { description: '完成(申请方确认) Complete' })
  @Roles(...REQUESTING)
  completeConsultation(@CurrentUser() user: AuthUser, @Args('input') input: ConsultationIdInput) {
    return this.service.complete(user, input);
  }

  @Query(() => ConsultationModel)
  consultation(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string) {
    return this.service.get(user, id);
  }

  @Query(() => ConsultationConnection, {
    description: '会诊列表(按可见范围) Consultations I may see, newest first',
  })
  async consultations(
    @CurrentUser() user: AuthUser,
    @Args() args: ConsultationsArgs,
    @Context() ctx: GqlContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<ConsultationEntity>> {
    const page = await this.service.list(user, args);
    await preloadSelected(page.nodes, info, ['nodes'], this.relations(ctx));
    const experts = page.nodes.flatMap((c) => preloadedValue<ConsultationExpertEntity[]>(c, 'experts') ?? []);
    await preloadSelected(experts, info, ['nodes', 'experts'], {
      expert: (e) => ctx.loaders.get(this.network.practitionerLoader).load(e.practitionerId),
    });
    return page;
  }

  @ResolveField(() => PatientSummaryModel, { nullable: true })
  patient(@Parent() c: ConsultationEntity, @Context() ctx: GqlContext): Promise<PatientSummary | null> {
    return this.relations(ctx).patient(c);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  requestingInstitution(
    @Parent() c: ConsultationEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return this.relations(ctx).requestingInstitution(c);
  }

  @ResolveField(() => [ConsultationExpertModel])
  experts(@Parent() c: ConsultationEntity, @Context() ctx: GqlContext): Promise<ConsultationExpertEntity[]> {
    return this.relations(ctx).experts(c);
  }

  @ResolveField(() => [ConsultationReportModel], { description: '报告各版本 Report versions' })
  reports(@Parent() c: ConsultationEntity, @Context() ctx: GqlContext): Promise<ConsultationReportEntity[]> {
    return this.relations(ctx).reports(c);
  }

  @ResolveField(() => [ConsultationStepModel])
  timeline(@Parent() c: ConsultationEntity, @Context() ctx: GqlContext): Promise<ConsultationStepEntity[]> {
    return this.relations(ctx).timeline(c);
  }

  /** How a consultation's related objects load: for one consultation, or preloaded for a page. */
  private relations(ctx: GqlContext) {
    const { loaders } = ctx;
    return {
      patient: (c: ConsultationEntity) => loaders.get(this.patients.factory).load(c.patientId),
      requestingInstitution: (c: ConsultationEntity) =>
        loaders.get(this.network.institutionLoader).load(c.requestingInstitutionId),
      experts: (c: ConsultationEntity) => loaders.get(this.service.expertsLoader).load(c.id),
      reports: (c: ConsultationEntity) => loaders.get(this.service.reportsLoader).load(c.id),
      timeline: (c: ConsultationEntity) => loaders.get(this.service.timelineLoader).load(c.id),
    };
  }
}

@Resolver(() => ConsultationExpertModel)
export class ConsultationExpertResolver {
  constructor(private readonly network: NetworkService) {}

  @ResolveField(() => PractitionerModel, { nullable: true })
  expert(
    @Parent() e: ConsultationExpertEntity,
    @Context() ctx: GqlContext,
  ): Promise<PractitionerEntity | null> {
    return ctx.loaders.get(this.network.practitionerLoader).load(e.practitionerId);
  }
}

@Resolver(() => ExpertAvailabilityModel)
export class ExpertAvailabilityResolver {
  constructor(private readonly availability: AvailabilityService) {}

  @ResolveField(() => [AvailabilityWindowModel], {
    description: '区间内的出诊时段(至多 31 天) Offered windows in a range of at most 31 days',
  })
  windows(@Parent() schedule: ExpertAvailabilityModel, @Args() range: AvailabilityWindowsArgs) {
    return this.availability.windowsOf(schedule, range);
  }
}
