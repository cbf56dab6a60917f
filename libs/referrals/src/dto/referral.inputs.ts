import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsEnum,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MinTrimmedLength, NotBlank, PageArgs } from '@yg/core';
import {
  InsuranceType,
  ReferralBox,
  ReferralDirection,
  ReferralOrder,
  ReferralState,
  RejectReasonCode,
  Urgency,
} from '../domain/referral.enums';
import { AttachmentInputFields } from '@yg/documents';

/**
 * ICD-10 with the national clinical extension (e.g. I10, E11.9, I63.900x001, I10.x00x002).
 * The national edition writes a lower-case `x` placeholder where a category has no
 * subcategory (原发性高血压 is I10.x00x002), so the subcategory allows it too.
 */
export const ICD10 = /^[A-Z][0-9]{2}(\.[0-9A-Zx]{1,4})?([xX][0-9]{3})?$/;

/**
 * A required reason is checked after trimming: blanks around it do not count towards its
 * length, and a reason of spaces only is no reason.
 */
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

@InputType()
export class AttachmentInput extends AttachmentInputFields {
  @Field(() => String, {
    nullable: true,
    description: '文件所在地址 Where the file is (PACS, a file server)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http', 's3'], require_protocol: true })
  @MaxLength(1000)
  uri?: string | null;
}

@InputType({ description: '用药计划(下转) Medication plan item' })
export class MedicationItemInput {
  @Field(() => String, {
    description: '药品(如书写,可含规格) Drug as written, strength included if known',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @NotBlank()
  drug!: string;
  @Field(() => String, {
    nullable: true,
    description: '医保药品代码(可选) National medical-insurance drug code, optional',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toUpperCase() : value,
  )
  @Matches(/^[XZ][A-Z0-9]{19,22}$/, {
    message: '医保药品代码应为 X 开头 23 位或 Z 开头 20 位 (nationalCode: X + 22 or Z + 19 characters)',
  })
  nationalCode?: string;
  @Field(() => ID, {
    nullable: true,
    description: '统一药品目录条目(可选) Unified-list item, optional',
  })
  @IsOptional()
  @IsUUID()
  formularyItemId?: string;
  @Field(() => String, { description: '剂量 Dose' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @NotBlank()
  dose!: string;
  @Field(() => String, { description: '途径 Route' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @NotBlank()
  route!: string;
  @Field(() => String, { description: '频次 Frequency' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @NotBlank()
  frequency!: string;
  @Field(() => String, { description: '疗程 Duration' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @NotBlank()
  duration!: string;
}

@InputType({ description: '双向转诊单 Referral form' })
export class CreateReferralInput {
  @Field(() => ID) @IsUUID() patientId!: string;
  @Field(() => ReferralDirection) @IsEnum(ReferralDirection) direction!: ReferralDirection;
  @Field(() => ID, { description: '接收机构 Receiving institution' }) @IsUUID() toInstitutionId!: string;
  @Field(() => ID, { nullable: true, description: '接收科室 Receiving department' })
  @IsOptional()
  @IsUUID()
  toDepartmentId?: string;
  @Field(() => Urgency) @IsEnum(Urgency) urgency!: Urgency;
  @Field(() => String, { description: '初步诊断 ICD-10 编码' })
  @Matches(ICD10, {
    message: '诊断编码应为 ICD-10 格式,如 I10、E11.9 (diagnosisCode must be ICD-10, e.g. I10, E11.9)',
  })
  diagnosisCode!: string;
  @Field(() => String, { description: '初步诊断名称' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NotBlank()
  diagnosisName!: string;
  @Field(() => String, { description: '转诊目的 Purpose' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @NotBlank()
  purpose!: string;
  @Field(() => String, { description: '病情摘要 Clinical summary' })
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  @NotBlank()
  clinicalSummary!: string;
  @Field(() => String, { nullable: true, description: '注意事项 Points of attention' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  attentionNotes?: string;
  @Field(() => [AttachmentInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AttachmentInput)
  attachments!: AttachmentInput[];
  @Field(() => InsuranceType, { description: '费别 Insurance type' })
  @IsEnum(InsuranceType)
  insuranceType!: InsuranceType;
  @Field(() => String, { description: '转诊医生联系电话 Sender contact phone' })
  @Matches(/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/, {
    message: '联系电话格式有误 (contactPhone: mobile or landline)',
  })
  contactPhone!: string;
  @Field(() => ID, {
    nullable: true,
    description: '转诊医生(默认本人) Referring practitioner, defaults to me',
  })
  @IsOptional()
  @IsUUID()
  fromPractitionerId?: string;
  @Field(() => String, { nullable: true, description: '出院小结(下转必填) Discharge summary, DOWN only' })
  @IsOptional()
  @IsString()
  @MaxLength(8000)
  dischargeSummary?: string;
  @Field(() => String, {
    nullable: true,
    description: '康复/随访计划(下转必填) Rehabilitation / follow-up plan',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  rehabPlan?: string;
  @Field(() => [MedicationItemInput], { defaultValue: [], description: '用药计划(下转必填) Medication plan' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => MedicationItemInput)
  medicationPlan!: MedicationItemInput[];
  @Field(() => ID, {
    nullable: true,
    description: '修改后重新提交被退回的转诊 Revises this rejected referral',
  })
  @IsOptional()
  @IsUUID()
  resubmissionOf?: string;
  @Field(() => String, {
    nullable: true,
    description: '幂等键:重试时原样传回 Idempotency key; repeat it on retries',
  })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._:-]{8,100}$/, {
    message: '幂等键为 8–100 位字母、数字或 ._:- (idempotencyKey: 8–100 of A-Z a-z 0-9 . _ : -)',
  })
  idempotencyKey?: string;
  @Field(() => Boolean, { defaultValue: false, description: '创建即提交 Submit at once' })
  @IsBoolean()
  submit!: boolean;
}

@InputType()
export class AcceptReferralInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Date, { description: '预约就诊/入院时间 Appointment or admission time' })
  @Type(() => Date)
  @IsDate()
  appointmentAt!: Date;
  @Field(() => String, { nullable: true, description: '就诊地点 Place' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  place?: string;
  @Field(() => String, { nullable: true, description: '床位 Bed' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  bed?: string;
  @Field(() => ID, { nullable: true, description: '改派至本院其他科室 Redirect to another department' })
  @IsOptional()
  @IsUUID()
  departmentId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

@InputType()
export class RejectReferralInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => RejectReasonCode) @IsEnum(RejectReasonCode) reasonCode!: RejectReasonCode;
  @Field(() => String, { description: '退回原因 Reason' })
  @Transform(trimmed)
  @IsString()
  @MinTrimmedLength(2, { message: '请填写退回原因(至少 2 个字) (reason: at least 2 characters)' })
  @MaxLength(1000)
  reason!: string;
}

@InputType()
export class CancelReferralInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: '撤销原因 Reason' })
  @Transform(trimmed)
  @IsString()
  @MinTrimmedLength(2, { message: '请填写撤销原因(至少 2 个字) (reason: at least 2 characters)' })
  @MaxLength(1000)
  reason!: string;
}

@InputType({ description: '为已有转诊补充附件 Attachments added to an existing referral' })
export class AddReferralAttachmentsInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => [AttachmentInput], { description: '1–20 项 One to twenty items' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AttachmentInput)
  attachments!: AttachmentInput[];
  @Field(() => String, { nullable: true, description: '说明(如「化验结果已出」) Note for the timeline' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

@InputType()
export class ReferralNoteInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

@ArgsType()
export class ReferralFilterArgs {
  @Field(() => ReferralBox, {
    defaultValue: ReferralBox.INCOMING,
    description: '收件/发件/全部 Incoming, outgoing or all',
  })
  @IsEnum(ReferralBox)
  box!: ReferralBox;
  @Field(() => Urgency, { nullable: true }) @IsOptional() @IsEnum(Urgency) urgency?: Urgency;
  @Field(() => ReferralDirection, { nullable: true })
  @IsOptional()
  @IsEnum(ReferralDirection)
  direction?: ReferralDirection;
  @Field(() => Date, { nullable: true, description: '创建时间起 Created from' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  from?: Date;
  @Field(() => Date, { nullable: true, description: '创建时间止 Created before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  to?: Date;
}

@ArgsType()
export class ReferralsArgs extends PageArgs {
  @Field(() => ReferralBox, { defaultValue: ReferralBox.INCOMING })
  @IsEnum(ReferralBox)
  box!: ReferralBox;
  @Field(() => [ReferralState], { nullable: true })
  @IsOptional()
  @IsArray()
  // One of each at most: each goes to Postgres as a parameter.
  @ArrayMaxSize(8)
  @IsEnum(ReferralState, { each: true })
  states?: ReferralState[];
  @Field(() => Urgency, { nullable: true }) @IsOptional() @IsEnum(Urgency) urgency?: Urgency;
  @Field(() => ReferralDirection, { nullable: true })
  @IsOptional()
  @IsEnum(ReferralDirection)
  direction?: ReferralDirection;
  @Field(() => Date, { nullable: true }) @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  @Field(() => Date, { nullable: true }) @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @Field(() => Boolean, {
    nullable: true,
    description:
      '只看超时未接收的(待接收且已过应答时限) Only the overdue: submitted and past the response deadline',
  })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean;
  @Field(() => Boolean, {
    nullable: true,
    description: '只看已升级的(待接收且已超时升级) Only the escalated: submitted and escalated',
  })
  @IsOptional()
  @IsBoolean()
  escalated?: boolean;
  @Field(() => ReferralOrder, { defaultValue: ReferralOrder.URGENCY, description: '排序 Order' })
  @IsEnum(ReferralOrder)
  order!: ReferralOrder;
}
