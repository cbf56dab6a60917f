import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { MinTrimmedLength, PageArgs } from '@yg/core';
import { FormularyStatus, FormularyTier } from '../domain/drug.enums';

@ArgsType()
export class FormularyArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description: '名称片段或代码前缀 Part of the name or a code prefix',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  search?: string;

  @Field(() => FormularyTier, { nullable: true, description: '该层级可配备的 Items this tier may stock' })
  @IsOptional()
  @IsEnum(FormularyTier)
  tier?: FormularyTier;

  @Field(() => FormularyStatus, { nullable: true, description: '默认 ACTIVE Defaults to ACTIVE' })
  @IsOptional()
  @IsEnum(FormularyStatus)
  status?: FormularyStatus;
}

@InputType({
  description:
    '加入统一目录:给出医保药品代码,或品种键加规格 Add to the unified list by national code, or by product key and spec',
})
export class AddFormularyItemInput {
  @Field(() => String, { nullable: true, description: '医保药品代码 National code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  nationalCode?: string;

  @Field(() => String, { nullable: true, description: '品种键(无代码时) Product key, when there is no code' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  productKey?: string;

  @Field(() => String, { nullable: true, description: '默认取自国家目录 Defaults to the dictionary' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  genericName?: string;

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) dosageForm?: string;

  @Field(() => String, {
    nullable: true,
    description: '规格;按品种键加入时必填 Spec; required with a product key',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  spec?: string;

  @Field(() => [FormularyTier], { description: '可配备的层级 Tiers that may stock it' })
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsEnum(FormularyTier, { each: true })
  tiers!: FormularyTier[];

  @Field(() => String, {
    nullable: true,
    description: '替代组;默认同品种键 Substitution group; defaults to the product key',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  substitutionGroup?: string;

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(500) note?: string;
}

@InputType({
  description: '修改统一目录条目(未给出的字段不变) Change an item; fields left out stay as they are',
})
export class UpdateFormularyItemInput {
  @Field(() => ID) @IsUUID() id!: string;

  // Required, as every other edit of a shared record: two pharmacists saving the same item from
  // forms opened at once must not silently overwrite each other.
  @Field(() => Int, { description: '读到的版本;已被改动则冲突 The version read; CONFLICT if it moved on' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  genericName?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) dosageForm?:
    string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) spec?: string | null;

  @Field(() => [FormularyTier], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsEnum(FormularyTier, { each: true })
  tiers?: FormularyTier[];

  @Field(() => String, { nullable: true, description: 'null 清除 null clears it' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  substitutionGroup?: string | null;

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(500) note?: string | null;

  @Field(() => String, { nullable: true, description: '修改原因 Why' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

@InputType()
export class RetireFormularyItemInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
  @Field(() => String, { description: '停用原因 Why it leaves the list' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(500)
  reason!: string;
}
