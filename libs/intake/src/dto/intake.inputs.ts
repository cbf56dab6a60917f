import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { EncounterKind } from '../domain/records';
import { StatisticKey } from '../domain/statistics';

/** Records per push call. */
export const PUSH_MAX = 1000;

/*
 * Record fields are checked row by row by the service (a bad row is rejected with its line and
 * reason, the others kept), so the record types carry no class-validator rules of their own.
 */

@InputType({ description: '一条诊疗记录 One encounter (visit, emergency visit or inpatient stay)' })
export class EncounterRecordInput {
  @Field({ description: '源系统记录号 The record id in the reporting system' })
  sourceRecordId!: string;

  @Field(() => EncounterKind)
  kind!: EncounterKind;

  @Field({ description: '就诊日期或入院日期 YYYY-MM-DD Visit or admission day' })
  occurredOn!: string;

  @Field({ nullable: true, description: '出院日期(住院) YYYY-MM-DD Discharge day, inpatient only' })
  dischargedOn?: string;

  @Field({
    nullable: true,
    description:
      '居民身份证号:仅用于匹配患者索引,不保存 ID number: matched to the patient index, never stored',
  })
  idNumber?: string;

  @Field({ nullable: true, description: '科室 Department' })
  department?: string;

  @Field({ description: '中医类 TCM (中医类) encounter' })
  tcm!: boolean;

  @Field({ nullable: true, description: 'ICD-10 诊断编码 ICD-10 diagnosis code' })
  diagnosisCode?: string;

  @Field({ description: '参保 Insured' })
  insured!: boolean;

  @Field({ description: '县域常住居民 Lives in the county' })
  resident!: boolean;

  @Field({ description: '慢病管理对象 Under chronic-disease management' })
  chronicManaged!: boolean;

  @Field(() => Float, { description: '总费用(元) Total cost, yuan' })
  totalCost!: number;

  @Field(() => Float, { nullable: true, description: '医保基金支付(元) Insurance fund paid, yuan' })
  fundPaid?: number;
}

@InputType()
export class ReportEncountersInput {
  @Field(() => ID, { nullable: true, description: '默认本机构 Defaults to your institution' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;

  @Field({ description: '上报系统标识,如 HIS-ZY Reporting system, e.g. HIS-ZY' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(/^[A-Za-z0-9._-]+$/, {
    message: '来源系统只能含字母、数字和 . _ - (sourceSystem: letters, digits, . _ - only)',
  })
  sourceSystem!: string;

  @Field(() => [EncounterRecordInput], { description: `最多 ${PUSH_MAX} 条 Up to ${PUSH_MAX} records` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PUSH_MAX)
  @Allow()
  records!: EncounterRecordInput[];
}

@InputType({ description: '一条县外就诊结算 One out-of-county settlement of an insured resident' })
export class OutOfCountySettlementInput {
  @Field({ description: '结算号 Settlement id in the reporting system' })
  sourceRecordId!: string;

  @Field({ description: '结算日期 YYYY-MM-DD Settlement day' })
  settledOn!: string;

  @Field({ description: '住院(否则门诊) Inpatient (otherwise outpatient)' })
  inpatient!: boolean;

  @Field({ description: '就诊医院 Hospital' })
  hospitalName!: string;

  @Field({ nullable: true, description: '医院等级,如 三级甲等 Hospital level' })
  hospitalLevel?: string;

  @Field({ nullable: true, description: '居民身份证号:仅用于匹配,不保存 ID number: matched, never stored' })
  idNumber?: string;

  @Field(() => Float, { description: '总费用(元) Total cost, yuan' })
  totalCost!: number;

  @Field(() => Float, { nullable: true, description: '医保基金支付(元) Fund paid, yuan' })
  fundPaid?: number;
}

@InputType()
export class ReportOutOfCountySettlementsInput {
  @Field({ description: '上报系统标识 Reporting system' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @Matches(/^[A-Za-z0-9._-]+$/, {
    message: '来源系统只能含字母、数字和 . _ - (sourceSystem: letters, digits, . _ - only)',
  })
  sourceSystem!: string;

  @Field(() => [OutOfCountySettlementInput])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PUSH_MAX)
  @Allow()
  records!: OutOfCountySettlementInput[];
}

@InputType()
export class StatisticValueInput {
  @Field(() => StatisticKey)
  @Allow()
  key!: StatisticKey;

  @Field(() => ID, { nullable: true, description: '按机构填报的项目必填 Required for per-institution items' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;

  @Field(() => Float)
  @Min(0)
  @Max(1e15)
  value!: number;
}

@InputType({ description: '派驻医师记录 A doctor dispatched to a primary-care institution' })
export class DispatchRecordInput {
  @Field({ description: '派驻记录编号(同号再报即更正) Reference; reporting it again corrects it' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  reference!: string;

  @Field(() => ID)
  @IsUUID()
  fromInstitutionId!: string;

  @Field(() => ID)
  @IsUUID()
  toInstitutionId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  startsOn!: string;

  @Field({ nullable: true, description: 'YYYY-MM-DD, 空: 仍在派驻 empty: still there' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  endsOn?: string;
}

@InputType()
export class SubmitStatisticsInput {
  @Field(() => Int)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @Field(() => [StatisticValueInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => StatisticValueInput)
  values!: StatisticValueInput[];

  @Field(() => [DispatchRecordInput], { defaultValue: [] })
  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => DispatchRecordInput)
  dispatches!: DispatchRecordInput[];
}
