import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { MinTrimmedLength, PageArgs } from '@yg/core';
import { ChronicCondition, SexValue } from '../domain/chronic-condition';

@InputType()
export class FamilyDoctorContractInput {
  @Field(() => ID, { description: '签约机构 Contracted institution' }) @IsUUID() institutionId!: string;
  @Field(() => ID, { description: '签约医生 Family doctor' }) @IsUUID() practitionerId!: string;
  @Field(() => String, { description: '签约日期 YYYY-MM-DD' })
  @IsDateString({ strict: true }, { message: '签约日期格式应为 YYYY-MM-DD (signedOn must be YYYY-MM-DD)' })
  signedOn!: string;
}

@InputType()
export class RegisterPatientInput {
  @Field(() => String) @IsString() @MinTrimmedLength(2) @MaxLength(40) name!: string;
  @Field(() => String, { description: '居民身份证号 18-digit resident ID number' })
  @IsString()
  @MaxLength(24)
  idNumber!: string;
  @Field(() => SexValue, {
    nullable: true,
    description: '不填则取自身份证号 Taken from the ID number when omitted',
  })
  @IsOptional()
  @IsEnum(SexValue)
  sex?: SexValue;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD;不填则取自身份证号' })
  @IsOptional()
  @IsDateString({ strict: true })
  birthDate?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(24) phone?: string;
  @Field(() => String, { description: '常住地行政区划代码 Residence division code (6/9/12 digits)' })
  @Matches(/^\d{6}(\d{3}(\d{3})?)?$/, {
    message: '行政区划代码应为 6、9 或 12 位数字 (division code must be 6, 9 or 12 digits)',
  })
  residenceDivisionCode!: string;
  @Field(() => [ChronicCondition], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(11)
  @IsEnum(ChronicCondition, { each: true })
  chronicConditions!: ChronicCondition[];
  @Field(() => FamilyDoctorContractInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => FamilyDoctorContractInput)
  familyDoctorContract?: FamilyDoctorContractInput;
}

@ArgsType()
export class PatientsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: '姓名包含 Name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  name?: string;
  @Field(() => String, {
    nullable: true,
    description: '身份证号末位(最多4位) Last 1–4 characters of the ID number',
  })
  @IsOptional()
  @Matches(/^[0-9Xx]{1,4}$/, { message: '身份证号后缀为 1–4 位数字或 X (ID suffix: 1–4 digits or X)' })
  idSuffix?: string;
  @Field(() => String, { nullable: true, description: '手机号末位(最多4位) Last 1–4 digits of the phone' })
  @IsOptional()
  @Matches(/^\d{1,4}$/, { message: '手机号后缀为 1–4 位数字 (phone suffix: 1–4 digits)' })
  phoneSuffix?: string;
}
