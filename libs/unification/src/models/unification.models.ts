import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { NotBlank } from '@yg/core';
import { Tier } from '@yg/network';
import { PeriodInput, PeriodModel, ScopeInput, ScopeModel } from '@yg/indicators/models/indicator.models';
import { Comparator, Dimension, ItemKind, ItemOutcome, Outcome, ReviewStatus } from '../domain/scorecard';

registerEnumType(Dimension, {
  name: 'UnificationDimension',
  valuesMap: {
    ADMINISTRATION: { description: '行政 Administration' },
    PERSONNEL: { description: '人员 Personnel' },
    FINANCE: { description: '财务 Finance' },
    BUSINESS: { description: '业务 Clinical business' },
    DRUGS: { description: '药械 Drugs and devices' },
    INFORMATION: { description: '信息 Information' },
    PERFORMANCE: { description: '绩效 Performance' },
  },
});
registerEnumType(ItemKind, {
  name: 'UnificationItemKind',
  valuesMap: {
    DATA: { description: '数据核查 Computed from data' },
    EVIDENCE: { description: '佐证材料 Proven by a reviewed document' },
  },
});
registerEnumType(Comparator, { name: 'UnificationComparator' });
registerEnumType(Outcome, {
  name: 'UnificationOutcome',
  valuesMap: {
    MET: { description: '达标 Met' },
    PARTIAL: { description: '部分达标 Partly met' },
    NOT_MET: { description: '未达标 Not met' },
  },
});
registerEnumType(ItemOutcome, {
  name: 'UnificationItemOutcome',
  valuesMap: {
    MET: { description: '达标 Met' },
    PARTIAL: { description: '部分达标 Partly met' },
    NOT_MET: { description: '未达标 Not met' },
    NO_DATA: { description: '缺少数据来源,按未达标计 No data source: counted as not met' },
    NOT_APPLICABLE: { description: '本期无可计算记录,不计入 Nothing to measure: left out' },
  },
});
registerEnumType(ReviewStatus, {
  name: 'UnificationReviewStatus',
  valuesMap: {
    PENDING: { description: '待审核 Awaiting review' },
    ACCEPTED: { description: '认可 Accepted' },
    REJECTED: { description: '退回 Rejected' },
  },
});

const KEY = /^[a-z]+\.[a-z0-9_]+(\.[A-Z0-9_]+)?$/;
const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const TIERS = [Tier.COUNTY, Tier.TOWNSHIP, Tier.VILLAGE];

@ObjectType('UnificationDataCheck', { description: '数据核查规则 A data check' })
@InputType('UnificationDataCheckInput')
export class DataCheckModel {
  @Field(() => [String], { description: '分子度量(求和) Numerator measures, summed' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(KEY, { each: true, message: '度量名不合法 (bad measure key)' })
  numerator!: string[];

  @Field(() => [String], {
    nullable: true,
    description: '分母度量(求和;period.days 为期间天数);空则直接比较分子 Denominator measures',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @Matches(KEY, { each: true, message: '度量名不合法 (bad measure key)' })
  denominator!: string[] | null;

  @Field(() => Float, { description: '百分比为 100 100 for a percentage' })
  @IsNumber()
  @Min(0.0001)
  @Max(1_000_000)
  multiplier!: number;

  @Field(() => Comparator) @IsEnum(Comparator) comparator!: Comparator;
  @Field(() => Float, { description: '达标值 Met threshold' }) @IsNumber() met!: number;

  @Field(() => Float, { nullable: true, description: '部分达标值 Partly-met threshold' })
  @IsOptional()
  @IsNumber()
  partial!: number | null;
}

@ObjectType('UnificationEvidenceCheck', { description: '所需材料 The document expected' })
@InputType('UnificationEvidenceCheckInput')
export class EvidenceCheckModel {
  @Field(() => String, { description: '材料类型,如 POLICY_DOCUMENT Document kind' })
  @Matches(CODE, { message: '材料类型不合法 (bad document kind)' })
  evidenceKind!: string;

  @Field(() => Int, {
    nullable: true,
    description: '期末前有效月数;空为长期有效 Months valid; null: for good',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  validMonths!: number | null;
}

@ObjectType('UnificationItem', { description: '七统一评估项(某版本) A scorecard item, one version' })
export class UnificationItemModel {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => Int) version!: number;
  @Field(() => Dimension) dimension!: Dimension;
  @Field(() => Int) position!: number;
  @Field(() => String) nameZh!: string;
  @Field(() => String) nameEn!: string;
  @Field(() => ItemKind) kind!: ItemKind;
  @Field(() => [Tier], { description: '适用层级 Tiers judged on it' }) tiers!: Tier[];
  @Field(() => DataCheckModel, { nullable: true }) data!: DataCheckModel | null;
  @Field(() => EvidenceCheckModel, { nullable: true }) evidence!: EvidenceCheckModel | null;
  @Field(() => Boolean) active!: boolean;
  @Field(() => Boolean, { description: '本医共体修改的版本 The consortium’s own version' }) own!: boolean;
  @Field(() => String, { nullable: true }) changeNote!: string | null;
  @Field(() => Date) createdAt!: Date;
}

@InputType('UpdateUnificationItemInput')
export class UpdateUnificationItemInput {
  @Field(() => String) @Matches(CODE, { message: '评估项代码不合法 (bad item code)' }) code!: string;

  @Field(() => Int, {
    description: '读到的在用版本;已被改动则冲突 The version in force read; CONFLICT if it moved on',
  })
  @IsInt()
  @Min(1)
  version!: number;

  @Field(() => String, { description: '修改说明 Why it changes' })
  @IsString()
  @Length(1, 500, { message: '修改说明 1–500 字 (change note: 1–500 characters)' })
  @NotBlank()
  changeNote!: string;

  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 100) @NotBlank() nameZh?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, 200) @NotBlank() nameEn?: string | null;

  @Field(() => [Tier], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(TIERS, { each: true, message: '层级须为 COUNTY、TOWNSHIP 或 VILLAGE (member tiers only)' })
  tiers?: Tier[] | null;

  @Field(() => Boolean, { nullable: true, description: '停用/启用 Switch the item off or on' })
  @IsOptional()
  @IsBoolean()
  active?: boolean | null;

  @Field(() => DataCheckModel, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DataCheckModel)
  data?: DataCheckModel | null;

  @Field(() => EvidenceCheckModel, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => EvidenceCheckModel)
  evidence?: EvidenceCheckModel | null;
}

@InputType('CreateUnificationItemInput')
export class CreateUnificationItemInput {
  @Field(() => String) @Matches(CODE, { message: '评估项代码不合法 (bad item code)' }) code!: string;
  @Field(() => Dimension) @IsEnum(Dimension) dimension!: Dimension;
  @Field(() => ItemKind) @IsEnum(ItemKind) kind!: ItemKind;
  @Field(() => String) @IsString() @Length(1, 100) @NotBlank() nameZh!: string;
  @Field(() => String) @IsString() @Length(1, 200) @NotBlank() nameEn!: string;

  @Field(() => [Tier])
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(TIERS, { each: true, message: '层级须为 COUNTY、TOWNSHIP 或 VILLAGE (member tiers only)' })
  tiers!: Tier[];

  @Field(() => DataCheckModel, { nullable: true, description: '数据项必填 For a DATA item' })
  @IsOptional()
  @ValidateNested()
  @Type(() => DataCheckModel)
  data?: DataCheckModel | null;

  @Field(() => EvidenceCheckModel, { nullable: true, description: '材料项必填 For an EVIDENCE item' })
  @IsOptional()
  @ValidateNested()
  @Type(() => EvidenceCheckModel)
  evidence?: EvidenceCheckModel | null;

  @Field(() => String, { description: '说明 Why it is added' })
  @IsString()
  @Length(1, 500, { message: '说明 1–500 字 (note: 1–500 characters)' })
  @NotBlank()
  changeNote!: string;
}

@ObjectType('UnificationEvidence', { description: '七统一佐证材料 An evidence record' })
export class EvidenceModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String) evidenceKind!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { description: 'YYYY-MM-DD' }) documentDate!: string;
  @Field(() => String, { description: '文件 SHA-256 File SHA-256' }) sha256!: string;
  @Field(() => String, { description: '文件存放位置(路径或网址) Where the file is kept' }) location!: string;
  @Field(() => ID) recordedBy!: string;
  @Field(() => Date) recordedAt!: Date;
  @Field(() => ReviewStatus) status!: ReviewStatus;
  @Field(() => ID, { nullable: true }) reviewedBy!: string | null;
  @Field(() => Date, { nullable: true }) reviewedAt!: Date | null;
  @Field(() => String, { nullable: true }) reviewReason!: string | null;
}

@InputType('RecordUnificationEvidenceInput')
export class RecordEvidenceInput {
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => String)
  @Matches(CODE, { message: '材料类型不合法 (bad document kind)' })
  evidenceKind!: string;

  @Field(() => String)
  @IsString()
  @Length(1, 200, { message: '标题 1–200 字 (title: 1–200 characters)' })
  @NotBlank()
  title!: string;

  @Field(() => String, { description: 'YYYY-MM-DD' })
  @Matches(/^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    message: '日期格式为 YYYY-MM-DD (date: YYYY-MM-DD)',
  })
  documentDate!: string;

  @Field(() => String)
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'SHA-256 为 64 位十六进制 (SHA-256: 64 hex digits)' })
  sha256!: string;

  @Field(() => String, { description: '路径或网址 A path or URL' })
  @IsString()
  @Length(1, 1000, { message: '存放位置 1–1000 字 (location: 1–1000 characters)' })
  location!: string;
}

export enum ReviewDecision {
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
}
registerEnumType(ReviewDecision, { name: 'UnificationReviewDecision' });

@InputType('ReviewUnificationEvidenceInput')
export class ReviewEvidenceInput {
  @Field(() => ID) @IsUUID() evidenceId!: string;
  @Field(() => ReviewDecision) @IsEnum(ReviewDecision) decision!: ReviewDecision;

  @Field(() => String, { nullable: true, description: '退回时必填 Required when rejecting' })
  @IsOptional()
  @IsString()
  @Length(1, 500, { message: '原因 1–500 字 (reason: 1–500 characters)' })
  reason?: string | null;
}

@ArgsType()
export class EvidenceListArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() institutionId?: string | null;
  @Field(() => ReviewStatus, { nullable: true })
  @IsOptional()
  @IsEnum(ReviewStatus)
  status?: ReviewStatus | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(CODE, { message: '材料类型不合法 (bad document kind)' })
  evidenceKind?: string | null;
}

@ArgsType()
export class ItemVersionsArgs {
  @Field(() => String, {
    nullable: true,
    description: '某项的全部版本;空为现行各项 One code’s versions; none: items in force',
  })
  @IsOptional()
  @Matches(CODE, { message: '评估项代码不合法 (bad item code)' })
  code?: string | null;
}

@ArgsType()
export class SevenUnificationsArgs {
  @Field(() => ScopeInput) @ValidateNested() @Type(() => ScopeInput) scope!: ScopeInput;
  @Field(() => PeriodInput) @ValidateNested() @Type(() => PeriodInput) period!: PeriodInput;
}

@ObjectType('UnificationItemResult', { description: '一项的结果及理由 One item’s outcome and why' })
export class ItemResultModel {
  @Field(() => String) code!: string;
  @Field(() => Int, { description: '所用版本 Version judged with' }) version!: number;
  @Field(() => String) nameZh!: string;
  @Field(() => String) nameEn!: string;
  @Field(() => ItemKind) kind!: ItemKind;
  @Field(() => ItemOutcome) outcome!: ItemOutcome;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Float, { nullable: true }) numerator!: number | null;
  @Field(() => Float, { nullable: true }) denominator!: number | null;
  @Field(() => DataCheckModel, { nullable: true, description: '阈值 Thresholds' })
  data!: DataCheckModel | null;
  @Field(() => EvidenceCheckModel, { nullable: true }) evidence!: EvidenceCheckModel | null;
  @Field(() => [ID], { description: '所依据的材料 Evidence considered' }) evidenceIds!: string[];
  @Field(() => String, { description: '理由 Why' }) reason!: string;
}

@ObjectType('UnificationDimensionResult')
export class DimensionResultModel {
  @Field(() => Dimension) dimension!: Dimension;
  @Field(() => String) nameZh!: string;
  @Field(() => Outcome) outcome!: Outcome;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => [ItemResultModel]) items!: ItemResultModel[];
}

@ObjectType('UnificationInstitutionScorecard')
export class InstitutionScorecardModel {
  @Field(() => ID) institutionId!: string;
  @Field(() => String) name!: string;
  @Field(() => Tier) tier!: Tier;
  @Field(() => [DimensionResultModel]) dimensions!: DimensionResultModel[];
}

@ObjectType('UnificationDimensionRollup', { description: '按维度汇总 Institutions per outcome' })
export class DimensionRollupModel {
  @Field(() => Dimension) dimension!: Dimension;
  @Field(() => String) nameZh!: string;
  @Field(() => Int) met!: number;
  @Field(() => Int) partial!: number;
  @Field(() => Int) notMet!: number;
  @Field(() => Outcome, { description: '汇总结果(见 rule) The roll-up outcome (see rule)' })
  outcome!: Outcome;
}

@ObjectType('UnificationQualitative', { description: '定性国家指标的取值 A qualitative national indicator' })
export class QualitativeModel {
  @Field(() => String, { description: 'uni.* 度量名 Measure key' }) key!: string;
  @Field(() => String) nameZh!: string;
  @Field(() => Outcome) outcome!: Outcome;
  @Field(() => Float, { description: '1 达标, 0.5 部分达标, 0 未达标' }) value!: number;
}

@ObjectType('SevenUnifications', { description: '七统一评估 The seven-unification scorecard' })
export class SevenUnificationsModel {
  @Field(() => ScopeModel) scope!: ScopeModel;
  @Field(() => PeriodModel) period!: PeriodModel;
  @Field(() => [InstitutionScorecardModel]) institutions!: InstitutionScorecardModel[];
  @Field(() => [DimensionRollupModel], {
    description: '范围内机构的汇总 Roll-up of the institutions in scope',
  })
  rollup!: DimensionRollupModel[];
  @Field(() => String, { description: '汇总规则 The roll-up rule' }) rule!: string;
  @Field(() => [QualitativeModel], {
    description: '以范围内机构计的定性指标(全医共体范围即国家指标取值) Qualitative indicators over the scope',
  })
  qualitative!: QualitativeModel[];
}
