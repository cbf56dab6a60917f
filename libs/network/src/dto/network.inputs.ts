import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { MinTrimmedLength, PageArgs } from '@yg/core';
import { InstitutionKind, PractitionerTitle, Tier } from '../domain/institution-kind';

const DIVISION = /^\d{6}(\d{3}(\d{3})?)?$/;
const DIVISION_MSG = '行政区划代码应为 6、9 或 12 位数字 (division code must be 6, 9 or 12 digits)';
const PHONE = /^[0-9+\- ]{5,20}$/;
const PHONE_MSG = '电话为 5–20 位数字、+、- 或空格 (phone: 5–20 digits, +, - or spaces)';

@InputType()
export class CreateInstitutionInput {
  @Field(() => String) @IsString() @MinTrimmedLength(2) @MaxLength(100) name!: string;
  @Field(() => InstitutionKind) @IsEnum(InstitutionKind) kind!: InstitutionKind;
  @Field(() => Tier) @IsEnum(Tier) tier!: Tier;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() parentId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(20) grade?: string;
  @Field(() => String) @Matches(DIVISION, { message: DIVISION_MSG }) divisionCode!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) address?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE, { message: PHONE_MSG })
  phone?: string;
}

@InputType({ description: '只修改给出的字段;parentId 传 null 表示设为顶层 Only given fields change' })
export class UpdateInstitutionInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: '读到的版本;已被改动则冲突 The version read; CONFLICT if it moved on' })
  @IsInt()
  @Min(1)
  version!: number;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(100)
  name?: string;
  @Field(() => InstitutionKind, { nullable: true })
  @IsOptional()
  @IsEnum(InstitutionKind)
  kind?: InstitutionKind;
  @Field(() => Tier, { nullable: true }) @IsOptional() @IsEnum(Tier) tier?: Tier;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() parentId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(20) grade?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(DIVISION, { message: DIVISION_MSG })
  divisionCode?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) address?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE, { message: PHONE_MSG })
  phone?: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() active?: boolean;
}

@InputType()
export class CreateDepartmentInput {
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => String)
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,19}$/, {
    message: '科室代码为大写字母、数字或连字符 (code: upper-case letters, digits, hyphens)',
  })
  code!: string;
  @Field(() => String) @IsString() @MinTrimmedLength(2) @MaxLength(50) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(50) specialty?: string;
}

@InputType()
export class CreatePractitionerInput {
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() departmentId?: string;
  @Field(() => String) @IsString() @MinTrimmedLength(2) @MaxLength(40) name!: string;
  @Field(() => PractitionerTitle) @IsEnum(PractitionerTitle) title!: PractitionerTitle;
  @Field(() => [String], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  specialties!: string[];
  @Field(() => String, { description: '执业证书编码 Licence number' })
  @Matches(/^[0-9A-Za-z]{8,30}$/, {
    message: '执业证书编码应为 8–30 位字母或数字 (licence number: 8–30 letters or digits)',
  })
  licenceNumber!: string;
}

@ArgsType()
export class InstitutionsArgs extends PageArgs {
  @Field(() => InstitutionKind, { nullable: true })
  @IsOptional()
  @IsEnum(InstitutionKind)
  kind?: InstitutionKind;
  @Field(() => Tier, { nullable: true }) @IsOptional() @IsEnum(Tier) tier?: Tier;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() parentId?: string;
  @Field(() => String, { nullable: true, description: '名称包含 Name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  search?: string;
}

@ArgsType()
export class PractitionersArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() institutionId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() departmentId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(40) specialty?: string;
  @Field(() => PractitionerTitle, { nullable: true })
  @IsOptional()
  @IsEnum(PractitionerTitle)
  title?: PractitionerTitle;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(40) search?: string;
}
