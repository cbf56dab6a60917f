import { ArgsType, Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsEnum,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MinTrimmedLength, PageArgs } from '@yg/core';
import { MappingStatus } from '../domain/drug.enums';

/** At most this many items per updateStock call. */
export const STOCK_BATCH_MAX = 500;
/** numeric(14,3) holds up to this. */
export const STOCK_MAX = 99_999_999_999;

@ArgsType()
export class CatalogueImportsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: '默认本机构 Defaults to your institution' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
}

@ArgsType()
export class CatalogueItemsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: '默认本机构 Defaults to your institution' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;

  @Field(() => String, {
    nullable: true,
    description:
      '通用名、商品名片段,或院内编码、医保代码前缀 Part of a name, or a local or national code prefix',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  search?: string;

  @Field(() => Boolean, {
    nullable: true,
    description: '只列已对照(自动或药师确认) Only items mapped automatically or by a pharmacist',
  })
  @IsOptional()
  @IsBoolean()
  mappedOnly?: boolean;

  @Field(() => MappingStatus, { nullable: true })
  @IsOptional()
  @IsEnum(MappingStatus)
  mappingStatus?: MappingStatus;

  @Field(() => Boolean, { nullable: true, description: '含已停用条目 Include deactivated items' })
  @IsOptional()
  @IsBoolean()
  includeInactive?: boolean;
}

@ArgsType()
export class CatalogueMappingsArgs extends PageArgs {
  @Field(() => ID, {
    nullable: true,
    description:
      '不填:管理员和牵头医院药师看全部机构,其他人看本机构 Omitted: every member for consortium admins and lead-hospital pharmacists, your own otherwise',
  })
  @IsOptional()
  @IsUUID()
  institutionId?: string;

  @Field(() => MappingStatus, {
    nullable: true,
    description: '默认 PROPOSED(待确认队列) Defaults to PROPOSED, the review queue',
  })
  @IsOptional()
  @IsEnum(MappingStatus)
  status?: MappingStatus;
}

@ArgsType()
export class CatalogueCoverageArgs {
  @Field(() => ID, {
    nullable: true,
    description: '不填为可见的全部机构 Omitted: every institution you may see',
  })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
}

@ArgsType()
export class ConfirmMappingArgs {
  @Field(() => ID, { description: '对照 id(即目录条目 id) The mapping’s id (the catalogue item’s)' })
  @IsUUID()
  id!: string;

  @Field(() => ID, {
    nullable: true,
    description: '不填则确认当前建议 Omitted: confirm the current proposal',
  })
  @IsOptional()
  @IsUUID()
  formularyItemId?: string;

  @Field(() => Int, { description: '读到的版本 The version you read' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;
}

@ArgsType()
export class RejectMappingArgs {
  @Field(() => ID)
  @IsUUID()
  id!: string;

  @Field(() => String, { description: '驳回原因 Why' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(500)
  reason!: string;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  expectedVersion!: number;
}

@ArgsType()
export class RemapCatalogueItemArgs {
  @Field(() => ID, { description: '目录条目 id Catalogue item id' })
  @IsUUID()
  itemId!: string;

  @Field(() => ID)
  @IsUUID()
  formularyItemId!: string;

  @Field(() => String, { description: '改对照的原因 Why' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(500)
  reason!: string;

  @Field(() => Int, { nullable: true, description: '读到的版本(可选) The version you read, optional' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

@InputType()
export class StockLineInput {
  @Field(() => ID)
  @IsUUID()
  catalogueItemId!: string;

  @Field(() => Float, { description: '现有数量(条目单位) On hand, in the item’s unit' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 3 })
  @Min(0)
  @Max(STOCK_MAX)
  onHand!: number;
}

@InputType({ description: '设置库存(绝对数量,可重复提交) Set on-hand quantities (absolute, safe to repeat)' })
export class UpdateStockInput {
  @Field(() => ID)
  @IsUUID()
  institutionId!: string;

  @Field(() => [StockLineInput])
  @ArrayMinSize(1)
  @ArrayMaxSize(STOCK_BATCH_MAX)
  @ValidateNested({ each: true })
  @Type(() => StockLineInput)
  items!: StockLineInput[];
}
