import { ArgsType, Field, Float, ID, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
} from 'class-validator';
import { MinTrimmedLength, PageArgs } from '@yg/core';
import { SupplyRequestState } from '../domain/drug.enums';
import { SupplyUrgency } from '../domain/supply';

/** Quantities are numeric(14,3): positive, at most a million units, three decimals. */
const MAX_QUANTITY = 1_000_000;
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * A quantity the column holds. Written by hand: class-validator's `maxDecimalPlaces` reads the
 * number's text and fails on exponent notation (5e-324), an internal error instead of a refusal.
 */
function IsQuantity(field: string): PropertyDecorator {
  return ValidateBy({
    name: 'isQuantity',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'number' &&
        Number.isFinite(v) &&
        v >= 0.001 &&
        v <= MAX_QUANTITY &&
        Math.abs(v * 1000 - Math.round(v * 1000)) < 1e-6,
      defaultMessage: () =>
        `数量须在 0.001 到 1000000 之间,最多三位小数 (${field}: 0.001 to 1,000,000, at most 3 decimals)`,
    },
  });
}

@InputType({ description: '缺药登记 A supply request to the central pharmacy' })
export class CreateSupplyRequestInput {
  @Field(() => ID, {
    nullable: true,
    description: '缺药机构,默认本机构 The institution lacking the drug; defaults to mine',
  })
  @IsOptional()
  @IsUUID()
  institutionId?: string;

  @Field(() => ID, { description: '统一目录条目 Unified-list item' }) @IsUUID() formularyItemId!: string;

  @Field(() => Float, { description: '数量(本机构药品单位) Quantity, in the institution’s unit' })
  @IsQuantity('quantity')
  quantity!: number;

  @Field(() => ID, { nullable: true, description: '相关的下转 The down-referral it is for' })
  @IsOptional()
  @IsUUID()
  referralId?: string;

  @Field(() => String, { description: '原因 Reason' })
  @Transform(trimmed)
  @IsString()
  @MinTrimmedLength(2, { message: '请填写原因(至少 2 个字) (reason: at least 2 characters)' })
  @MaxLength(1000)
  reason!: string;

  @Field(() => SupplyUrgency, { defaultValue: SupplyUrgency.ROUTINE })
  @IsEnum(SupplyUrgency)
  urgency!: SupplyUrgency;

  @Field(() => Date, { nullable: true, description: '需要到货的时间 Needed by' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  neededBy?: Date;

  @Field(() => String, { description: '幂等键:重试时原样传回 Idempotency key; repeat it on retries' })
  @Matches(/^[A-Za-z0-9._:-]{8,100}$/, {
    message: '幂等键为 8–100 位字母、数字或 ._:- (idempotencyKey: 8–100 of A-Z a-z 0-9 . _ : -)',
  })
  idempotencyKey!: string;
}

@InputType()
export class ApproveSupplyRequestInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: '读到的版本 The version you read' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

@InputType()
export class RejectSupplyRequestInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: '驳回原因 Reason' })
  @Transform(trimmed)
  @IsString()
  @MinTrimmedLength(2, { message: '请填写驳回原因(至少 2 个字) (reason: at least 2 characters)' })
  @MaxLength(1000)
  reason!: string;
  @Field(() => Int, { description: '读到的版本 The version you read' })
  @IsInt()
  @Min(1)
  expectedVersion!: number;
}

@InputType()
export class DispatchSupplyRequestInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Float, {
    nullable: true,
    description: '配送数量,默认申请数量 Quantity sent; defaults to the requested',
  })
  @IsOptional()
  @IsQuantity('quantity')
  quantity?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

@InputType()
export class ReceiveSupplyRequestInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Float, { description: '实收数量 Quantity received' })
  @IsQuantity('receivedQuantity')
  receivedQuantity!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) expectedVersion?: number;
}

export enum SupplyBox {
  INCOMING = 'INCOMING',
  OUTGOING = 'OUTGOING',
  ALL = 'ALL',
}

registerEnumType(SupplyBox, {
  name: 'SupplyBox',
  valuesMap: {
    INCOMING: { description: '本机构供应的(中心药房) Supplied by my institution' },
    OUTGOING: { description: '本机构申请的 Requested by my institution' },
    ALL: { description: '我可见的全部 All I may see' },
  },
});

@ArgsType()
export class SupplyRequestsArgs extends PageArgs {
  @Field(() => SupplyBox, { defaultValue: SupplyBox.ALL }) @IsEnum(SupplyBox) box!: SupplyBox;
  @Field(() => [SupplyRequestState], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsEnum(SupplyRequestState, { each: true })
  states?: SupplyRequestState[];
  @Field(() => ID, { nullable: true, description: '缺药机构 Requesting institution' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() referralId?: string;
}

const MAX_SECONDS = 30 * 24 * 3600;

@InputType({
  description: '只修改给出的项;只影响此后的登记 Only given values change; applies to later requests',
})
export class SupplySettingsInput {
  @Field(() => Int, { description: '读到的版本;已被改动则冲突 The version read; CONFLICT if it moved on' })
  @IsInt()
  @Min(1)
  version!: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  urgentDecideSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  routineDecideSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  urgentDeliverSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  routineDeliverSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  reminderBeforeSeconds?: number;
}
