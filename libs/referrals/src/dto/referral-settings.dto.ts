import { Field, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_SECONDS = 30 * 24 * 3600;

@ObjectType('ReferralResponseSeconds', {
  description: '各紧急程度的应答时限(秒) Answer deadline by urgency, seconds',
})
export class ResponseSecondsModel {
  @Field(() => Int) EMERGENCY!: number;
  @Field(() => Int) URGENT!: number;
  @Field(() => Int) ROUTINE!: number;
}

@ObjectType('ReferralSettings', { description: '本医共体的转诊时限设置 Referral timings of my consortium' })
export class ReferralSettingsModel {
  @Field(() => ResponseSecondsModel) responseSeconds!: ResponseSecondsModel;
  @Field(() => Int, { description: '预约前多久提醒(秒) Reminder lead time' }) reminderBeforeSeconds!: number;
  @Field(() => Int, { description: '预约后多久判为未到诊(秒) No-show grace period' })
  noShowGraceSeconds!: number;
  @Field(() => Int, { description: '版本(修改时传回) Version, sent back with a change' }) version!: number;
}

@InputType({
  description: '只修改给出的项;只影响此后提交的转诊 Only given values change; applies to later submissions',
})
export class ReferralSettingsInput {
  @Field(() => Int, { description: '读到的版本;已被改动则冲突 The version read; CONFLICT if it moved on' })
  @IsInt()
  @Min(1)
  version!: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  emergencySeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  urgentSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  routineSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  reminderBeforeSeconds?: number;
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(MAX_SECONDS)
  noShowGraceSeconds?: number;
}
