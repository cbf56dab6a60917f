import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDate,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MinTrimmedLength, NotBlank, PageArgs } from '@yg/core';
import {
  ConsultationKind,
  ConsultationState,
  ExceptionKindValue,
  SessionModeValue,
} from '../domain/consultation.enums';
import { AttachmentInputFields } from '@yg/documents';

const HHMM = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
const HHMM_MSG = '时间格式为 HH:mm (time must be HH:mm)';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MSG = '日期格式为 YYYY-MM-DD (date must be YYYY-MM-DD)';

@InputType({ description: '每周出诊规则(医共体时区) Weekly window in the consortium time zone' })
export class AvailabilityRuleInput {
  @Field(() => Int, { description: '星期,1=周一…7=周日 ISO weekday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;
  @Field(() => String) @Matches(HHMM, { message: HHMM_MSG }) start!: string;
  @Field(() => String) @Matches(HHMM, { message: HHMM_MSG }) end!: string;
  @Field(() => Int, { description: '每节时长(分钟) Session length' })
  @IsInt()
  @Min(5)
  @Max(480)
  sessionMinutes!: number;
  @Field(() => SessionModeValue) @IsEnum(SessionModeValue) mode!: SessionModeValue;
  @Field(() => String) @Matches(DATE, { message: DATE_MSG }) validFrom!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(DATE, { message: DATE_MSG })
  validTo?: string;
}

@InputType({ description: '例外:停诊或加诊 A day off or an extra window' })
export class AvailabilityExceptionInput {
  @Field(() => String) @Matches(DATE, { message: DATE_MSG }) date!: string;
  @Field(() => ExceptionKindValue) @IsEnum(ExceptionKindValue) kind!: ExceptionKindValue;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(HHMM, { message: HHMM_MSG }) start?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(HHMM, { message: HHMM_MSG }) end?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(5) @Max(480) sessionMinutes?: number;
  @Field(() => SessionModeValue, { nullable: true })
  @IsOptional()
  @IsEnum(SessionModeValue)
  mode?: SessionModeValue;
}

@InputType({ description: '发布出诊安排(整体替换) Publish an expert schedule, replacing the previous one' })
export class PublishAvailabilityInput {
  @Field(() => ID, { nullable: true, description: '专家;默认本人 Expert; defaults to me' })
  @IsOptional()
  @IsUUID()
  expertId?: string;
  @Field(() => [AvailabilityRuleInput])
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityRuleInput)
  rules!: AvailabilityRuleInput[];
  @Field(() => [AvailabilityExceptionInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => AvailabilityExceptionInput)
  exceptions!: AvailabilityExceptionInput[];
}

@ArgsType()
export class AvailabilityWindowsArgs {
  @Field(() => Date) @Type(() => Date) @IsDate() from!: Date;
  @Field(() => Date) @Type(() => Date) @IsDate() to!: Date;
}

@ArgsType()
export class AvailableSlotsArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() expertId?: string;
  @Field(() => String, { nullable: true, description: '专科 Specialty' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  specialty?: string;
  @Field(() => ID, { nullable: true, description: '合作医院 Partner institution' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
  @Field(() => Date) @Type(() => Date) @IsDate() from!: Date;
  @Field(() => Date) @Type(() => Date) @IsDate() to!: Date;
  @Field(() => Int, { description: '时长(分钟) Duration' })
  @IsInt()
  @Min(5)
  @Max(480)
  durationMinutes!: number;
  @Field(() => SessionModeValue, { nullable: true })
  @IsOptional()
  @IsEnum(SessionModeValue)
  mode?: SessionModeValue;
}

@InputType({ description: '患者知情同意 Written informed consent' })
export class ConsentInput {
  @Field(() => String, { description: '签署人 Signed by' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(40)
  signedBy!: string;
  @Field(() => String, { description: '与患者关系,如 本人、配偶、子女 Relationship' })
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  @NotBlank()
  relationship!: string;
  @Field(() => Date) @Type(() => Date) @IsDate() signedAt!: Date;
  @Field(() => String, { nullable: true, description: '扫描件地址 Scanned form, by address' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http', 's3'], require_protocol: true })
  @MaxLength(1000)
  documentUri?: string | null;
  @Field(() => ID, {
    nullable: true,
    description: '扫描件,已上传 (POST /documents) Scanned form, uploaded; give this or documentUri',
  })
  @IsOptional()
  @IsUUID()
  documentId?: string | null;
}

@InputType()
export class StudyAttachmentInput extends AttachmentInputFields {
  @Field(() => String, {
    nullable: true,
    description: '文件所在地址 Where the file is (PACS, a file server)',
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['https', 'http', 's3', 'dicomweb'], require_protocol: true })
  @MaxLength(1000)
  uri?: string | null;
}

@InputType({ description: '为已有会诊补充资料 Studies added to an existing consultation' })
export class AddConsultationAttachmentsInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => [StudyAttachmentInput], { description: '1–30 项 One to thirty items' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => StudyAttachmentInput)
  attachments!: StudyAttachmentInput[];
  @Field(() => String, { nullable: true, description: '说明(如「CT 已出」) Note for the timeline' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

@InputType({ description: '会诊申请 Consultation request' })
export class RequestConsultationInput {
  @Field(() => ConsultationKind) @IsEnum(ConsultationKind) kind!: ConsultationKind;
  @Field(() => ID) @IsUUID() patientId!: string;
  @Field(() => String, { description: '会诊目的 Purpose' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(1000)
  purpose!: string;
  @Field(() => String, { description: '病历摘要 Case summary' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(8000)
  caseSummary!: string;
  @Field(() => String, { description: '需解答的问题 The question' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(2000)
  question!: string;
  @Field(() => [StudyAttachmentInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => StudyAttachmentInput)
  attachments!: StudyAttachmentInput[];
  @Field(() => String, { defaultValue: 'ROUTINE', description: 'EMERGENCY / URGENT / ROUTINE' })
  @Matches(/^(EMERGENCY|URGENT|ROUTINE)$/, { message: '紧急程度为 EMERGENCY、URGENT 或 ROUTINE (urgency)' })
  urgency!: string;
  @Field(() => String, { nullable: true, description: '所需专科 Specialty wanted' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  specialty?: string;
  @Field(() => String, { nullable: true, description: '所需职称 Title wanted' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  title?: string;
  @Field(() => [ID], { defaultValue: [], description: '指定专家 Named experts' })
  @IsArray()
  @ArrayMaxSize(8)
  @IsUUID('all', { each: true })
  expertIds!: string[];
  @Field(() => ConsentInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentInput)
  consent?: ConsentInput;
}

@InputType({ description: '预约专家时间(全部成功或全部失败) Book experts for one time range, all or none' })
export class BookConsultationInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Date) @Type(() => Date) @IsDate() start!: Date;
  @Field(() => Date) @Type(() => Date) @IsDate() end!: Date;
  @Field(() => [ID], {
    nullable: true,
    description: '专家;默认申请时指定的专家 Experts; defaults to the named ones',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(8)
  @IsUUID('all', { each: true })
  expertIds?: string[];
  @Field(() => SessionModeValue, { nullable: true })
  @IsOptional()
  @IsEnum(SessionModeValue)
  mode?: SessionModeValue;
  @Field(() => ConsentInput, { nullable: true, description: '如申请时未提供 If not given with the request' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ConsentInput)
  consent?: ConsentInput;
}

@InputType()
export class RescheduleConsultationInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Date) @Type(() => Date) @IsDate() start!: Date;
  @Field(() => Date) @Type(() => Date) @IsDate() end!: Date;
  @Field(() => String, { description: '改期原因 Reason' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(500)
  reason!: string;
}

@InputType()
export class ConsultationReasonInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String) @IsString() @MinTrimmedLength(2) @MaxLength(1000) reason!: string;
}

@InputType()
export class ConsultationIdInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

@InputType()
export class SuggestedDiagnosisInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[A-Z][0-9]{2}(\.[0-9A-Za-z]{1,4})?([xX][0-9]{3})?$/, {
    message: 'ICD-10 编码格式有误 (code must be ICD-10)',
  })
  code?: string;
  @Field(() => String) @IsString() @MinLength(1) @MaxLength(200) @NotBlank() name!: string;
}

@InputType({ description: '专家报告(提交即签署) Expert report, signed on submission' })
export class SubmitConsultationReportInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: '会诊意见 Opinion' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(20000)
  opinion!: string;
  @Field(() => [SuggestedDiagnosisInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => SuggestedDiagnosisInput)
  suggestedDiagnoses!: SuggestedDiagnosisInput[];
  @Field(() => String, { description: '诊疗建议 Recommendations' })
  @IsString()
  @MinTrimmedLength(2)
  @MaxLength(20000)
  recommendations!: string;
  @Field(() => String, { nullable: true, description: '修订原因(修订时必填) Why it is amended' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  amendmentReason?: string;
}

@ArgsType()
export class ConsultationsArgs extends PageArgs {
  @Field(() => [ConsultationState], { nullable: true })
  @IsOptional()
  @IsArray()
  // One of each at most: each goes to Postgres as a parameter.
  @ArrayMaxSize(8)
  @IsEnum(ConsultationState, { each: true })
  states?: ConsultationState[];
  @Field(() => ConsultationKind, { nullable: true })
  @IsOptional()
  @IsEnum(ConsultationKind)
  kind?: ConsultationKind;
}
