import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
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
  @Field(() => String, {
    nullable: true,
    description:
      '出生日期 YYYY-MM-DD,仅在未脱敏时返回 Birth date; null when masked (it is what the mask hides)',
  })
  birthDate!: string | null;
  @Field(() => Int, {
    nullable: true,
    description:
      '出生年份;脱敏时,登记当年或前一年出生者为空 Birth year; when masked, null for patients born in the year of registration or the year before',
  })
  birthYear!: number | null;
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

@ObjectType('PatientSummary', {
  description: '患者概要(不含证件号、电话和出生日期) Patient without identifiers or birth date',
})
export class PatientSummaryModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) sex!: string;
  @Field(() => String, {
    nullable: true,
    deprecationReason:
      '始终为空,请用 birthYear (always null: with a masked ID number it would restore it; use birthYear)',
  })
  birthDate!: null;
  @Field(() => Int, {
    nullable: true,
    description:
      '出生年份;登记当年或前一年出生者为空 Birth year; null for patients born in the year of registration or the year before',
  })
  birthYear!: number | null;
}
