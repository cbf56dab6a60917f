import { ArgsType, Field } from '@nestjs/graphql';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageArgs } from '@yg/core';
import { DrugCodeStatus, DrugKind } from '../domain/drug.enums';

@ArgsType()
export class DrugsArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description: '代码前缀(X/Z 开头)或名称片段 Code prefix (starting X or Z) or part of the name',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  search?: string;

  @Field(() => DrugKind, { nullable: true }) @IsOptional() @IsEnum(DrugKind) kind?: DrugKind;

  @Field(() => DrugCodeStatus, { nullable: true })
  @IsOptional()
  @IsEnum(DrugCodeStatus)
  status?: DrugCodeStatus;

  @Field(() => String, { nullable: true, description: '品种键 Product key (generic + form)' })
  @IsOptional()
  @IsString()
  @MaxLength(14)
  productKey?: string;
}
