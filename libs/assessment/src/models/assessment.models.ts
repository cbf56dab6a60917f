import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsDate,
  IsEnum,
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
import { Direction, MONTH_MESSAGE, MONTH_PATTERN } from '@yg/indicators';
import { InstitutionKind, Tier } from '@yg/network';

export enum KeyTaskKind {
  INDICATOR = 'INDICATOR',
  REPORTED = 'REPORTED',
}
registerEnumType(KeyTaskKind, {
  name: 'KeyTaskKind',
  valuesMap: {
    INDICATOR: { description: '绑定指标,完成度由数据计算 Bound to an indicator, computed from data' },
    REPORTED: { description: '由责任单位填报进展 Progress reported by the responsible unit' },
  },
});

export enum AssessmentState {
  OPEN = 'OPEN',
  PUBLISHED = 'PUBLISHED',
}
registerEnumType(AssessmentState, { name: 'AssessmentState' });

export enum AssessmentCaseKind {
  GOOD = 'GOOD',
  BAD = 'BAD',
}
registerEnumType(AssessmentCaseKind, {
  name: 'AssessmentCaseKind',
  valuesMap: { GOOD: { description: '正面典型 A good case' }, BAD: { description: '反面典型 A bad case' } },
});

const MONTH = () => Matches(MONTH_PATTERN, { message: MONTH_MESSAGE });
const CODE = /^[A-Za-z0-9_-]{1,30}$/;

// ---------- ledger ----------

@ObjectType('KeyMatter', { description: '关键事项 A key matter of a task, per quarter' })
export class KeyMatterModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => Int) quarter!: number;
  @Field(() => String) title!: string;
  @Field(() => ID, { nullable: true }) responsibleInstitutionId!: string | null;
  @Field(() => String, { nullable: true, description: '责任科室 Responsible department' }) department!:
    string | null;
  @Field(() => Date) dueAt!: Date;
  @Field(() => Date, { nullable: true }) doneAt!: Date | null;
  @Field(() => Date, { nullable: true }) remindedAt!: Date | null;
  @Field(() => Date, { nullable: true }) overdueAt!: Date | null;
}

@ObjectType('KeyTask', { description: '年度重点任务 A key task of the year' })
export class KeyTaskModel {
  @Field(() => ID) id!: string;
  @Field(() => Int) year!: number;
  @Field(() => String) code!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => KeyTaskKind) kind!: KeyTaskKind;
  @Field(() => String, { nullable: true }) indicatorCode!: string | null;
  @Field(() => Direction) direction!: Direction;
  @Field(() => Float, { description: '考核目标 Required level' }) requiredLevel!: number;
  @Field(() => Float, { description: '努力目标 Effort level' }) effortLevel!: number;
  @Field(() => Float, { description: '挑战目标 Challenge level' }) challengeLevel!: number;
  @Field(() => Float, { description: '完成度分值 Completion points' }) points!: number;
  @Field(() => [ID], { description: '考核单位(空为全部成员单位) Units assessed; empty: every member' })
  institutionIds!: string[];
  @Field(() => Int) version!: number;
  @Field(() => [KeyMatterModel]) matters!: KeyMatterModel[];
}

@ObjectType('TaskProgress', { description: '任务进展填报 A reported progress figure' })
export class TaskProgressModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) taskId!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String) month!: string;
  @Field(() => Float) value!: number;
  @Field(() => String) evidence!: string;
  @Field(() => String, { nullable: true }) evidenceSha256!: string | null;
  @Field(() => ID) reportedBy!: string;
  @Field(() => Date) createdAt!: Date;
}

@InputType()
export class CreateKeyTaskInput {
  @Field(() => Int) @IsInt() @Min(2000) @Max(2099) year!: number;
  @Field(() => String) @Matches(CODE, { message: '任务代码不合法 (bad task code)' }) code!: string;
  @Field(() => String) @IsString() @Length(1, 200) @NotBlank() title!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  description?: string;
  @Field(() => KeyTaskKind) @IsEnum(KeyTaskKind) kind!: KeyTaskKind;
  @Field(() => String, { nullable: true, description: '指标代码(INDICATOR 必填) Indicator code' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{1,20}$/, { message: '指标代码不合法 (bad indicator code)' })
  indicatorCode?: string;
  @Field(() => Direction, {
    nullable: true,
    description: '方向(REPORTED 必填;INDICATOR 取指标的方向) Direction (REPORTED only)',
  })
  @IsOptional()
  @IsEnum(Direction)
  direction?: Direction;
  @Field(() => Float) @IsNumber() requiredLevel!: number;
  @Field(() => Float) @IsNumber() effortLevel!: number;
  @Field(() => Float) @IsNumber() challengeLevel!: number;
  @Field(() => Float) @IsNumber() @Min(0.01) @Max(1000) points!: number;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  institutionIds?: string[];
}

@InputType()
export class UpdateKeyTaskInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: '读到的版本 The version read' }) @IsInt() version!: number;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NotBlank()
  title?: string;
  @Field(() => String, {
    nullable: true,
    description: '说明;null 清除,不给出则不变 Description; null clears it, left out it stays',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  description?: string | null;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() requiredLevel?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() effortLevel?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() challengeLevel?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0.01) @Max(1000) points?: number;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  institutionIds?: string[];
}

@InputType()
export class CreateKeyMatterInput {
  @Field(() => ID) @IsUUID() taskId!: string;
  @Field(() => Int) @IsInt() @Min(1) @Max(4) quarter!: number;
  @Field(() => String) @IsString() @Length(1, 200) @NotBlank() title!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() responsibleInstitutionId?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @NotBlank()
  department?: string;
  @Field(() => Date) @Type(() => Date) @IsDate() dueAt!: Date;
}

@InputType()
export class ReportTaskProgressInput {
  @Field(() => ID) @IsUUID() taskId!: string;
  @Field(() => ID, { nullable: true, description: '默认本机构 Defaults to the caller’s institution' })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
  @Field(() => String) @MONTH() month!: string;
  @Field(() => Float) @IsNumber() value!: number;
  @Field(() => String, { description: '佐证说明 Evidence' })
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  evidence!: string;
  @Field(() => String, { nullable: true, description: '佐证文件 SHA-256' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'SHA-256 为 64 位小写十六进制 (sha256: 64 lowercase hex digits)' })
  evidenceSha256?: string;
}

// ---------- scheme ----------

@ObjectType('AssessmentGroup', { description: '可比组 A comparable group' })
@InputType('AssessmentGroupInput')
export class GroupModel {
  @Field(() => String) @Matches(CODE, { message: '分组代码不合法 (bad group code)' }) code!: string;
  @Field(() => String) @IsString() @Length(1, 100) @NotBlank() name!: string;
  // Checked against the network's codes: a misspelt one would match no unit, leaving it unassessed.
  @Field(() => [String], { description: '机构类型(空为任意) Institution kinds; empty: any' })
  @IsEnum(InstitutionKind, { each: true, message: '机构类型不合法 (unknown institution kind)' })
  @ArrayMaxSize(20)
  kinds!: string[];
  @Field(() => [String], { description: '层级(空为任意) Tiers; empty: any' })
  @IsEnum(Tier, { each: true, message: '层级不合法 (unknown tier)' })
  @ArrayMaxSize(5)
  tiers!: string[];
}

@ObjectType('AssessmentScheme', { description: '考核方案(版本化) An assessment scheme version' })
export class SchemeModel {
  @Field(() => Int, { description: '0 为系统默认 0: the built-in default' }) version!: number;
  @Field(() => Float) completionWeight!: number;
  @Field(() => Float) recognitionWeight!: number;
  @Field(() => Float) analysisWeight!: number;
  @Field(() => Boolean, { description: '未达考核目标按比例得分 Proportional credit below 考核' })
  creditBelowRequired!: boolean;
  @Field(() => [GroupModel]) groups!: GroupModel[];
  @Field(() => String, { nullable: true }) changeNote!: string | null;
  @Field(() => Date, { nullable: true }) createdAt!: Date | null;
}

@InputType()
export class UpdateAssessmentSchemeInput {
  @Field(() => Int, {
    description:
      '读到的在用版本(0 为系统默认);已有更新版本则冲突 The version in force read (0: the built-in default); CONFLICT if a newer one exists',
  })
  @IsInt()
  @Min(0)
  basedOnVersion!: number;
  @Field(() => Float) @IsNumber() @Min(0) @Max(100) completionWeight!: number;
  @Field(() => Float) @IsNumber() @Min(0) @Max(100) recognitionWeight!: number;
  @Field(() => Float) @IsNumber() @Min(0) @Max(100) analysisWeight!: number;
  @Field(() => Boolean) @IsBoolean() creditBelowRequired!: boolean;
  @Field(() => [GroupModel])
  @ValidateNested({ each: true })
  @Type(() => GroupModel)
  @ArrayMaxSize(20)
  groups!: GroupModel[];
  @Field(() => String) @IsString() @Length(1, 500) @NotBlank() changeNote!: string;
}

// ---------- the month ----------

@ObjectType('TaskCompletion', { description: '单项任务完成情况 One task’s completion for a unit' })
export class TaskCompletionModel {
  @Field(() => ID) taskId!: string;
  @Field(() => String) code!: string;
  @Field(() => String) title!: string;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Float, { description: '得分比例 0–1 Share of the points earned' }) share!: number;
  @Field(() => Float) points!: number;
  @Field(() => String, { nullable: true, description: '无值原因 Why there is no value' }) reason!:
    string | null;
}

@ObjectType('AssessmentUnit', { description: '单位得分 A unit’s scores in a month' })
export class UnitModel {
  @Field(() => ID) institutionId!: string;
  @Field(() => String) institutionName!: string;
  @Field(() => String) groupCode!: string;
  @Field(() => Float, { description: '完成度 Completion' }) completion!: number;
  @Field(() => Float, { nullable: true, description: '认可度(评分均值) Recognition (mean rating)' })
  recognition!: number | null;
  @Field(() => Int, { description: '已收评分数 Ratings received' }) ratings!: number;
  @Field(() => Float, { nullable: true, description: '剖析度 Depth of analysis' }) analysis!: number | null;
  @Field(() => Float) total!: number;
  @Field(() => Int) rank!: number;
  @Field(() => Boolean, { description: '前三 Top 3' }) top!: boolean;
  @Field(() => Boolean, { description: '后三 Bottom 3' }) bottom!: boolean;
  @Field(() => [TaskCompletionModel]) tasks!: TaskCompletionModel[];
}

@ObjectType('AssessmentGroupResult')
export class GroupResultModel {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => [UnitModel], { description: '按名次 In rank order' }) units!: UnitModel[];
}

@ObjectType('MissingRating', { description: '未提交的评分 A rating not yet given' })
export class MissingRatingModel {
  @Field(() => ID) raterId!: string;
  @Field(() => ID) institutionId!: string;
}

@ObjectType('AssessmentDraw', {
  description: '抽签:种子与名单,任何人可复算 The draw: seed and list, re-runnable',
})
export class DrawModel {
  @Field(() => String) seed!: string;
  @Field(() => [ID], { description: '按此顺序参与抽签的单位 The units drawn from, in this order' })
  units!: string[];
  @Field(() => [ID]) drawn!: string[];
  @Field(() => Date) drawnAt!: Date;
  @Field(() => String, { description: '算法 The algorithm' }) algorithm!: string;
}

@ObjectType('AssessmentCase')
export class CaseModel {
  @Field(() => ID) institutionId!: string;
  @Field(() => String) title!: string;
  @Field(() => String) summary!: string;
}

@ObjectType('AssessmentEdition', { description: '发布版本 A published edition' })
export class EditionModel {
  @Field(() => Int) edition!: number;
  @Field(() => String) reason!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('Assessment', { description: '月度量化评价 A month’s assessment' })
export class AssessmentModel {
  @Field(() => String) month!: string;
  @Field(() => AssessmentState) state!: AssessmentState;
  @Field(() => Int, { description: '显示的版本 The edition shown' }) edition!: number;
  @Field(() => Int, { description: '并发控制版本号 Version for conflict checks' }) version!: number;
  @Field(() => SchemeModel) scheme!: SchemeModel;
  @Field(() => [GroupResultModel]) groups!: GroupResultModel[];
  @Field(() => [ID]) raterIds!: string[];
  @Field(() => [MissingRatingModel]) missingRatings!: MissingRatingModel[];
  @Field(() => DrawModel, { nullable: true }) draw!: DrawModel | null;
  @Field(() => CaseModel, { nullable: true }) goodCase!: CaseModel | null;
  @Field(() => CaseModel, { nullable: true }) badCase!: CaseModel | null;
  @Field(() => [EditionModel]) editions!: EditionModel[];
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
}

@ArgsType()
export class MonthArgs {
  @Field(() => String) @MONTH() month!: string;
}

@ArgsType()
export class AssessmentArgs extends MonthArgs {
  @Field(() => Int, { nullable: true, description: '默认最新版本 Defaults to the latest' })
  @IsOptional()
  @IsInt()
  @Min(1)
  edition?: number;
}

@ArgsType()
export class OpenAssessmentArgs extends MonthArgs {
  @Field(() => [ID], { description: '本月评分人 The month’s raters' })
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  raterIds!: string[];
}

@ArgsType()
export class RatingArgs extends MonthArgs {
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => Float, { description: '0–100,按认可度权重折算 0–100, scaled to the weight' })
  @IsNumber()
  @Min(0)
  @Max(100)
  score!: number;
}

@ArgsType()
export class AnalysisArgs extends MonthArgs {
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => Float, { description: '0 至剖析度权重 0 to the analysis weight' })
  @IsNumber()
  @Min(0)
  score!: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
}

@ArgsType()
export class RecomputeArgs extends MonthArgs {
  @Field(() => Int, { nullable: true, description: '读到的版本 The version read' })
  @IsOptional()
  @IsInt()
  version?: number;
}

@ArgsType()
export class DrawArgs extends MonthArgs {
  @Field(() => String, { nullable: true, description: '不填则随机生成 Random when omitted' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: '种子为 1–64 位字母数字 (seed: 1–64 letters or digits)' })
  seed?: string;
}

@ArgsType()
export class CaseArgs extends MonthArgs {
  @Field(() => AssessmentCaseKind) @IsEnum(AssessmentCaseKind) kind!: AssessmentCaseKind;
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => String) @IsString() @Length(1, 200) @NotBlank() title!: string;
  @Field(() => String) @IsString() @Length(1, 2000) @NotBlank() summary!: string;
}

@ArgsType()
export class PublishArgs extends MonthArgs {
  @Field(() => Int, { description: '读到的版本 The version read' }) @IsInt() version!: number;
}

@InputType()
export class CorrectAssessmentInput {
  @Field(() => String) @MONTH() month!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0) completion?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0) recognition?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @IsNumber() @Min(0) analysis?: number;
  @Field(() => String) @IsString() @Length(1, 500) @NotBlank() reason!: string;
}

// ---------- history ----------

@ObjectType('AssessmentHistoryMonth')
export class HistoryMonthModel {
  @Field(() => String) month!: string;
  @Field(() => Int) edition!: number;
  @Field(() => String) groupCode!: string;
  @Field(() => Float) completion!: number;
  @Field(() => Float, { nullable: true }) recognition!: number | null;
  @Field(() => Float, { nullable: true }) analysis!: number | null;
  @Field(() => Float) total!: number;
  @Field(() => Int) rank!: number;
  @Field(() => Int) groupSize!: number;
}

@ObjectType('AssessmentDistribution', { description: '全医共体得分分布 The consortium’s spread of totals' })
export class DistributionModel {
  @Field(() => String) month!: string;
  @Field(() => Int) count!: number;
  @Field(() => Float) min!: number;
  @Field(() => Float) q1!: number;
  @Field(() => Float) median!: number;
  @Field(() => Float) q3!: number;
  @Field(() => Float) max!: number;
}

@ObjectType('AssessmentHistory')
export class HistoryModel {
  @Field(() => ID) institutionId!: string;
  @Field(() => [HistoryMonthModel]) months!: HistoryMonthModel[];
  @Field(() => [DistributionModel]) distribution!: DistributionModel[];
}
