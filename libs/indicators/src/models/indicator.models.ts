import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
import { Direction, IndicatorKind, TargetSource } from '../domain/formula';
import { MONTH_MESSAGE, MONTH_PATTERN, PeriodKind } from '../domain/period';

registerEnumType(IndicatorKind, {
  name: 'IndicatorKind',
  valuesMap: {
    RATIO: { description: '比值 numerator ÷ denominator × multiplier' },
    VALUE: { description: '数量 numerator × multiplier' },
    GROWTH: { description: '同比增长率 % growth of the ratio against the same period last year' },
    CHANGE: { description: '同比变化 change of the ratio against last year, × multiplier (points)' },
    QUALITATIVE: { description: '定性 judged from evidence; no value' },
  },
});
registerEnumType(Direction, {
  name: 'IndicatorDirection',
  valuesMap: {
    HIGHER_BETTER: { description: '越高越好 Higher is better' },
    LOWER_BETTER: { description: '越低越好 Lower is better' },
    NEUTRAL: { description: '观察量 A volume to watch' },
  },
});
registerEnumType(TargetSource, {
  name: 'IndicatorTargetSource',
  valuesMap: {
    NATIONAL: { description: '国家 National' },
    PROVINCIAL: { description: '省级 Provincial' },
    CONSORTIUM: { description: '本医共体 The consortium’s own' },
  },
});
registerEnumType(PeriodKind, {
  name: 'IndicatorPeriodKind',
  valuesMap: {
    MONTH: { description: '月 Month' },
    QUARTER: { description: '季度 Quarter' },
    YEAR: { description: '年 Year' },
    YEAR_TO_DATE: { description: '年初至今 Year to date' },
  },
});

export enum ScopeKind {
  CONSORTIUM = 'CONSORTIUM',
  TIER = 'TIER',
  INSTITUTION = 'INSTITUTION',
}
registerEnumType(ScopeKind, {
  name: 'IndicatorScopeKind',
  valuesMap: {
    CONSORTIUM: { description: '全医共体 The whole consortium' },
    TIER: { description: '某一层级的机构 Institutions of one tier' },
    INSTITUTION: { description: '单个机构 One institution' },
  },
});

// ---------- formulas ----------

@ObjectType('IndicatorTerm', { description: '度量项 One measure in a sum' })
@InputType('IndicatorTermInput')
export class TermModel {
  @Field(() => String, { description: '度量名,如 enc.visits Measure key' })
  @IsString()
  @Matches(/^[a-z]+\.[a-z0-9_]+(\.[A-Z0-9_]+)?$/, { message: '度量名不合法 (bad measure key)' })
  key!: string;

  @Field(() => Float, { nullable: true, description: '系数,默认 1 Coefficient (default 1)' })
  @IsOptional()
  @IsNumber()
  @Min(-1000)
  @Max(1000)
  coefficient?: number | null;

  @Field(() => [Tier], { nullable: true, description: '仅这些层级的机构 Only institutions of these tiers' })
  @IsOptional()
  @IsArray()
  @IsEnum(Tier, { each: true })
  tiers?: Tier[] | null;

  @Field(() => [String], { nullable: true, description: '仅这些类型的机构 Only institutions of these kinds' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  kinds?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: '医共体级度量(无机构) A consortium-level measure' })
  @IsOptional()
  @IsBoolean()
  consortiumLevel?: boolean | null;
}

@ObjectType('IndicatorExpr', {
  description: 'Σ terms,或 Σ terms ÷ Σ per(人均) A sum, or a per-capita figure',
})
@InputType('IndicatorExprInput')
export class ExprModel {
  @Field(() => [TermModel])
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TermModel)
  terms!: TermModel[];

  @Field(() => [TermModel], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TermModel)
  per?: TermModel[] | null;
}

@ObjectType('IndicatorFormula', { description: '公式 Formula' })
@InputType('IndicatorFormulaInput')
export class FormulaModel {
  @Field(() => ExprModel)
  @ValidateNested()
  @Type(() => ExprModel)
  numerator!: ExprModel;

  @Field(() => ExprModel, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExprModel)
  denominator?: ExprModel | null;

  @Field(() => Float, { description: '倍数:百分比 100,每万人口 10000 Multiplier' })
  @IsNumber()
  @Min(0.000001)
  @Max(10_000_000)
  multiplier!: number;
}

@ObjectType('IndicatorTarget', { description: '目标值及其来源 A target and its source' })
@InputType('IndicatorTargetInput')
export class TargetModel {
  @Field(() => TargetSource)
  @IsEnum(TargetSource)
  source!: TargetSource;

  @Field(() => Float)
  @IsNumber()
  value!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  note?: string | null;
}

// ---------- definitions ----------

@ObjectType('IndicatorSet', { description: '指标体系 An indicator set' })
export class IndicatorSetModel {
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: '版本,如"国家监测指标 2024" Edition' }) edition!: string;
  @Field(() => String) description!: string;
}

@ObjectType('IndicatorDefinition', { description: '指标定义(某一版本) One version of an indicator' })
export class IndicatorDefinitionModel {
  @Field(() => ID) id!: string;
  @Field(() => String) setCode!: string;
  @Field(() => String) code!: string;
  @Field(() => Int) version!: number;
  @Field(() => Int) position!: number;
  @Field(() => String) nameZh!: string;
  @Field(() => String) nameEn!: string;
  @Field(() => String, { description: '维度 Dimension' }) dimension!: string;
  @Field(() => IndicatorKind) kind!: IndicatorKind;
  @Field(() => FormulaModel) formula!: FormulaModel;
  @Field(() => String) unit!: string;
  @Field(() => Direction) direction!: Direction;
  @Field(() => [TargetModel]) targets!: TargetModel[];
  @Field(() => String, { description: '工作定义 The working definition' }) workingDefinition!: string;
  @Field(() => String, { nullable: true, description: '修改说明 Why it was changed' }) changeNote!:
    string | null;
  @Field(() => Boolean, { description: '本医共体修改过的版本(否则为平台模板) The consortium’s own edit' })
  own!: boolean;
  @Field(() => Date) createdAt!: Date;
}

@InputType()
export class UpdateIndicatorDefinitionInput {
  @Field(() => String)
  @Matches(/^[A-Z0-9_]{1,20}$/, { message: '指标代码不合法 (bad indicator code)' })
  code!: string;

  @Field(() => Int, { description: '读到的版本;已被改动则冲突 The version read; CONFLICT if it moved on' })
  @IsInt()
  version!: number;

  @Field(() => String, { description: '修改说明(必填) Why (required)' })
  @IsString()
  @Length(1, 500)
  @NotBlank()
  changeNote!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @NotBlank()
  nameZh?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @NotBlank()
  nameEn?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  @NotBlank()
  dimension?: string;
  @Field(() => IndicatorKind, { nullable: true }) @IsOptional() @IsEnum(IndicatorKind) kind?: IndicatorKind;

  @Field(() => FormulaModel, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => FormulaModel)
  formula?: FormulaModel;

  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 20) @NotBlank() unit?: string;
  @Field(() => Direction, { nullable: true }) @IsOptional() @IsEnum(Direction) direction?: Direction;

  @Field(() => [TargetModel], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @ValidateNested({ each: true })
  @Type(() => TargetModel)
  targets?: TargetModel[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @NotBlank()
  workingDefinition?: string;
}

// ---------- scope and period ----------

@InputType('IndicatorScopeInput')
export class ScopeInput {
  @Field(() => ScopeKind) @IsEnum(ScopeKind) kind!: ScopeKind;
  @Field(() => Tier, { nullable: true }) @IsOptional() @IsEnum(Tier) tier?: Tier;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() institutionId?: string;
}

@InputType('IndicatorPeriodInput')
export class PeriodInput {
  @Field(() => PeriodKind) @IsEnum(PeriodKind) kind!: PeriodKind;
  @Field(() => String, { description: '期间内的一个月(医共体时区) YYYY-MM, a month inside the period' })
  @Matches(MONTH_PATTERN, { message: MONTH_MESSAGE })
  month!: string;
}

@ObjectType('IndicatorScope')
export class ScopeModel {
  @Field(() => ScopeKind) kind!: ScopeKind;
  @Field(() => Tier, { nullable: true }) tier!: Tier | null;
  @Field(() => ID, { nullable: true }) institutionId!: string | null;
}

@ObjectType('IndicatorPeriod')
export class PeriodModel {
  @Field(() => PeriodKind) kind!: PeriodKind;
  @Field(() => String) month!: string;
  @Field(() => String, { description: '如 2026-Q3 e.g. 2026-Q3' }) label!: string;
  @Field(() => String) from!: string;
  @Field(() => String, { description: '截至本月(不超过当前月) Last month counted' }) to!: string;
}

// ---------- results ----------

@ObjectType('IndicatorResult', { description: '一项指标在某范围、某期间的结果 One indicator’s result' })
export class IndicatorResultModel {
  @Field(() => String) code!: string;
  @Field(() => IndicatorDefinitionModel, { description: '计算所用的定义版本 The version computed with' })
  definition!: IndicatorDefinitionModel;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: '分子;增长/变化类为本期基数 Numerator; for GROWTH/CHANGE this period’s base figure',
  })
  numerator!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: '分母;增长/变化类为上年同期基数 Denominator; for GROWTH/CHANGE last year’s base figure',
  })
  denominator!: number | null;
  @Field(() => String, { nullable: true, description: '无值的原因 Why there is no value' }) reason!:
    string | null;
  @Field(() => TargetModel, { nullable: true, description: '判定达标所用目标 The target that decides' })
  target!: TargetModel | null;
  @Field(() => Boolean, { nullable: true, description: '是否达标 Met' }) met!: boolean | null;
  @Field(() => Float, { nullable: true, description: '上期值 Previous period' }) previousValue!:
    number | null;
  @Field(() => Float, { nullable: true, description: '较上期 Change from the previous period' })
  changeFromPrevious!: number | null;
  @Field(() => Float, { nullable: true, description: '上年同期值 Same period last year' }) lastYearValue!:
    number | null;
  @Field(() => Float, { nullable: true, description: '较上年同期 Change from last year' })
  changeFromLastYear!: number | null;
}

@ObjectType('IndicatorReport', { description: '指标报表 An indicator report' })
export class IndicatorReportModel {
  @Field(() => ScopeModel) scope!: ScopeModel;
  @Field(() => PeriodModel) period!: PeriodModel;
  @Field(() => Boolean, { description: '该月已发布(按发布时的定义版本计算) A published month' })
  published!: boolean;
  @Field(() => [IndicatorResultModel]) results!: IndicatorResultModel[];
}

@ObjectType('IndicatorTrendPoint')
export class TrendPointModel {
  @Field(() => String) month!: string;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Float, { nullable: true }) numerator!: number | null;
  @Field(() => Float, { nullable: true }) denominator!: number | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int, { description: '该月所用定义版本 Definition version used' }) definitionVersion!: number;
}

@ObjectType('IndicatorDetail', { description: '单项指标及其趋势 One indicator with its trend' })
export class IndicatorDetailModel {
  @Field(() => ScopeModel) scope!: ScopeModel;
  @Field(() => PeriodModel) period!: PeriodModel;
  @Field(() => IndicatorResultModel) result!: IndicatorResultModel;
  @Field(() => [TrendPointModel], { description: '按月趋势,截至期末 Monthly trend up to the period’s end' })
  trend!: TrendPointModel[];
}

@ObjectType('IndicatorContributor', { description: '构成度量的记录 A record behind a measure' })
export class ContributorModel {
  @Field(() => String) kind!: string;
  @Field(() => ID) id!: string;
  @Field(() => String) month!: string;
  @Field(() => ID, { nullable: true }) institutionId!: string | null;
  @Field(() => Float) value!: number;
  @Field(() => String) label!: string;
  @Field(() => String) occurredAt!: string;
}

@ObjectType('IndicatorContributorPage')
export class ContributorPageModel {
  @Field(() => String) measure!: string;
  @Field(() => Int) total!: number;
  @Field(() => [ContributorModel]) rows!: ContributorModel[];
}

export const TREND_LENGTHS = [12, 24];
export const TrendLength = IsIn(TREND_LENGTHS, { message: '趋势长度为 12 或 24 (trend: 12 or 24 months)' });
