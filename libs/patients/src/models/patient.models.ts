import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Paginated } from '@yg/core';
import { ChronicCondition, SexValue } from '../domain/chronic-condition';

@ObjectType('FamilyDoctorContract', { description: '家庭医生签约 Family-doctor contract' })
export class FamilyDoctorContractModel {
  @Field(() => ID) institutionId!: string;
  @Field(() => ID) practitionerId!: string;
  @Field(() => String) signedOn!: string;
}

@ObjectType('Patient', { description: '患者 Patient' })
export class PatientModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => SexValue) sex!: SexValue;
  @Field(() => String, { description: 'YYYY-MM-DD' }) birthDate!: string;
  @Field(() => String, { description: '身份证号(按角色脱敏) ID number, masked unless your role needs it' })
  idNumber!: string;
  @Field(() => String, {
    nullable: true,
    description: '手机号(按角色脱敏) Phone, masked unless your role needs it',
  })
  phone!: string | null;
  @Field(() => Boolean, { description: '证件号与电话是否已脱敏 Whether ID and phone are masked' })
  masked!: boolean;
  @Field(() => String) residenceDivisionCode!: string;
  @Field(() => [ChronicCondition]) chronicConditions!: ChronicCondition[];
  @Field(() => FamilyDoctorContractModel, { nullable: true })
  familyDoctorContract!: FamilyDoctorContractModel | null;
  @Field(() => ID) registeredByInstitutionId!: string;
  @Field(() => Date) createdAt!: Date;
}

export const PatientConnection = Paginated(PatientModel, 'PatientConnection');

@ObjectType('PatientSummary', { description: '患者概要(不含证件号和电话) Patient without identifiers' })
export class PatientSummaryModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) sex!: string;
  @Field(() => String) birthDate!: string;
}
