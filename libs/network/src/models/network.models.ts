import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Paginated } from '@yg/core';
import { InstitutionKind, PractitionerTitle, Tier } from '../domain/institution-kind';

@ObjectType('KindCount', { description: '按类型计数 Count of institutions of one kind' })
export class KindCountModel {
  @Field(() => InstitutionKind) kind!: InstitutionKind;
  @Field(() => Int, { nullable: true, description: '框架要求 Required by the framework' })
  expected!: number | null;
  @Field(() => Int, { description: '实际 Actual' }) actual!: number;
  @Field(() => Boolean) holds!: boolean;
}

@ObjectType('ConsortiumStructure', { description: '医共体结构核对 Structure against the declared framework' })
export class ConsortiumStructureModel {
  @Field(() => String) framework!: string;
  @Field(() => Boolean, { description: '是否为已知框架 Whether the framework is known' }) known!: boolean;
  @Field(() => Boolean, { description: '结构是否符合 Whether the data holds the framework' }) holds!: boolean;
  @Field(() => [KindCountModel]) counts!: KindCountModel[];
  @Field(() => [String], { description: '不符之处 Where it differs' }) differences!: string[];
}

@ObjectType('Consortium', { description: '医共体 Consortium (tenant)' })
export class ConsortiumModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: '行政区划代码 Administrative-division code' }) divisionCode!: string;
  @Field(() => String) timeZone!: string;
  @Field(() => String, { description: '声明的框架,如 1224 Declared framework' }) framework!: string;
}

@ObjectType('Department', { description: '科室 Department' })
export class DepartmentModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) specialty!: string | null;
}

@ObjectType('Institution', { description: '医疗机构 Institution' })
export class InstitutionModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => InstitutionKind) kind!: InstitutionKind;
  @Field(() => Tier) tier!: Tier;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => String, { nullable: true, description: '等级,如 三级甲等 Grade' }) grade!: string | null;
  @Field(() => String) divisionCode!: string;
  @Field(() => String, { nullable: true }) address!: string | null;
  @Field(() => String, { nullable: true }) phone!: string | null;
  @Field(() => Boolean) active!: boolean;
  @Field(() => Int, { description: '版本(修改时传回) Version, sent back with a change' }) version!: number;
}

@ObjectType('Practitioner', { description: '医务人员 Practitioner' })
export class PractitionerModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => ID, { nullable: true }) departmentId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => PractitionerTitle) title!: PractitionerTitle;
  @Field(() => [String]) specialties!: string[];
  @Field(() => String, { description: '执业证书编码 Licence number' }) licenceNumber!: string;
  @Field(() => Boolean) active!: boolean;
}

export const InstitutionConnection = Paginated(InstitutionModel, 'InstitutionConnection');
export const PractitionerConnection = Paginated(PractitionerModel, 'PractitionerConnection');
