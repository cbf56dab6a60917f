import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, Connection, CurrentUser, GqlContext, Role, Roles } from '@yg/core';
import { NetworkService } from './network.service';
import {
  ConsortiumModel,
  ConsortiumStructureModel,
  DepartmentModel,
  InstitutionConnection,
  InstitutionModel,
  PractitionerConnection,
  PractitionerModel,
} from './models/network.models';
import {
  CreateDepartmentInput,
  CreateInstitutionInput,
  CreatePractitionerInput,
  InstitutionsArgs,
  PractitionersArgs,
  UpdateInstitutionInput,
} from './dto/network.inputs';
import { ConsortiumEntity } from './entities/consortium.entity';
import { InstitutionEntity } from './entities/institution.entity';
import { DepartmentEntity } from './entities/department.entity';
import { PractitionerEntity } from './entities/practitioner.entity';
import { StructureCheck } from './domain/framework';

@Resolver(() => ConsortiumModel)
export class ConsortiumResolver {
  constructor(private readonly network: NetworkService) {}

  @Query(() => ConsortiumModel, { description: '我所在的医共体 My consortium' })
  consortium(@CurrentUser() user: AuthUser): Promise<ConsortiumEntity> {
    return this.network.consortium(user.tenantId);
  }

  @ResolveField(() => ConsortiumStructureModel)
  structure(@Parent() c: ConsortiumEntity): Promise<StructureCheck> {
    return this.network.structure(c.id);
  }
}

@Resolver(() => InstitutionModel)
export class InstitutionResolver {
  constructor(private readonly network: NetworkService) {}

  @Query(() => InstitutionConnection, { description: '机构列表 Institutions of my consortium' })
  institutions(
    @CurrentUser() user: AuthUser,
    @Args() args: InstitutionsArgs,
  ): Promise<Connection<InstitutionEntity>> {
    return this.network.institutions(user, args);
  }

  @Query(() => InstitutionModel)
  institution(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<InstitutionEntity> {
    return this.network.institution(user.tenantId, id);
  }

  @Mutation(() => InstitutionModel, { description: '新建机构 Create an institution' })
  @Roles(Role.CONSORTIUM_ADMIN)
  createInstitution(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateInstitutionInput,
  ): Promise<InstitutionEntity> {
    return this.network.createInstitution(user, input);
  }

  @Mutation(() => InstitutionModel, { description: '修改机构(含上级) Edit an institution' })
  @Roles(Role.CONSORTIUM_ADMIN)
  updateInstitution(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateInstitutionInput,
  ): Promise<InstitutionEntity> {
    return this.network.updateInstitution(user, input);
  }

  @Mutation(() => DepartmentModel, { description: '新建科室 Create a department' })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  createDepartment(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateDepartmentInput,
  ): Promise<DepartmentEntity> {
    return this.network.createDepartment(user, input);
  }

  @ResolveField(() => InstitutionModel, { nullable: true })
  async parent(
    @Parent() inst: InstitutionEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return inst.parentId ? ctx.loaders.get(this.network.institutionLoader).load(inst.parentId) : null;
  }

  @ResolveField(() => [DepartmentModel])
  departments(@Parent() inst: InstitutionEntity, @Context() ctx: GqlContext): Promise<DepartmentEntity[]> {
    return ctx.loaders.get(this.network.departmentsByInstitutionLoader).load(inst.id);
  }
}

@Resolver(() => PractitionerModel)
export class PractitionerResolver {
  constructor(private readonly network: NetworkService) {}

  @Query(() => PractitionerConnection, { description: '医务人员 Practitioners of my consortium' })
  practitioners(
    @CurrentUser() user: AuthUser,
    @Args() args: PractitionersArgs,
  ): Promise<Connection<PractitionerEntity>> {
    return this.network.practitioners(user, args);
  }

  @Mutation(() => PractitionerModel, { description: '登记医务人员 Register a practitioner' })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  createPractitioner(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreatePractitionerInput,
  ): Promise<PractitionerEntity> {
    return this.network.createPractitioner(user, input);
  }

  @ResolveField(() => InstitutionModel)
  async institution(
    @Parent() p: PractitionerEntity,
    @Context() ctx: GqlContext,
  ): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(p.institutionId);
  }

  @ResolveField(() => DepartmentModel, { nullable: true })
  async department(
    @Parent() p: PractitionerEntity,
    @Context() ctx: GqlContext,
  ): Promise<DepartmentEntity | null> {
    return p.departmentId ? ctx.loaders.get(this.network.departmentLoader).load(p.departmentId) : null;
  }
}
