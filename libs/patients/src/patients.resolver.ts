import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, Connection, CurrentUser, GqlContext, Role, Roles } from '@yg/core';
import {
  InstitutionEntity,
  InstitutionModel,
  NetworkService,
  PractitionerEntity,
  PractitionerModel,
} from '@yg/network';
import { PatientsService } from './patients.service';
import { FamilyDoctorContractModel, PatientConnection, PatientModel } from './models/patient.models';
import { PatientsArgs, RegisterPatientInput } from './dto/patient.inputs';

@Resolver(() => PatientModel)
export class PatientsResolver {
  constructor(
    private readonly service: PatientsService,
    private readonly network: NetworkService,
  ) {}

  @Mutation(() => PatientModel, { description: '登记患者 Register a patient' })
  @Roles(Role.CLINICIAN, Role.REFERRAL_COORDINATOR)
  registerPatient(
    @CurrentUser() user: AuthUser,
    @Args('input') input: RegisterPatientInput,
  ): Promise<PatientModel> {
    return this.service.register(user, input);
  }

  @Query(() => PatientConnection, { description: '查找患者(脱敏) Search patients; results are masked' })
  patients(@CurrentUser() user: AuthUser, @Args() args: PatientsArgs): Promise<Connection<PatientModel>> {
    return this.service.search(user, args);
  }

  @Query(() => PatientModel, { description: '患者详情(每次读取均留痕) One patient; every read is audited' })
  patient(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string): Promise<PatientModel> {
    return this.service.read(user, id);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  registeredByInstitution(
    @Parent() p: PatientModel,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(p.registeredByInstitutionId);
  }
}

@Resolver(() => FamilyDoctorContractModel)
export class FamilyDoctorContractResolver {
  constructor(private readonly network: NetworkService) {}

  @ResolveField(() => InstitutionModel, { nullable: true })
  institution(
    @Parent() c: FamilyDoctorContractModel,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(c.institutionId);
  }

  @ResolveField(() => PractitionerModel, { nullable: true })
  practitioner(
    @Parent() c: FamilyDoctorContractModel,
    @Context() ctx: GqlContext,
  ): Promise<PractitionerEntity | null> {
    return ctx.loaders.get(this.network.practitionerLoader).load(c.practitionerId);
  }
}
