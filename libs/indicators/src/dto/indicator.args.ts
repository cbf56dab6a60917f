import { ArgsType, Field, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MONTH_MESSAGE, MONTH_PATTERN } from '../domain/period';
import { PeriodInput, ScopeInput, TREND_LENGTHS } from '../models/indicator.models';
import { CONTRIBUTOR_PAGE_MAX } from '../engine/indicator-reports.service';

const CODE = /^[A-Z0-9_]{1,20}$/;

@ArgsType()
export class IndicatorDefinitionsArgs {
  @Field(() => String, { nullable: true, description: '指标体系代码 Set code' })
  @IsOptional()
  @Matches(/^[A-Z0-9_]{1,40}$/, { message: '指标体系代码不合法 (bad set code)' })
  setCode?: string;
}

@ArgsType()
export class IndicatorCodeArgs {
  @Field(() => String)
  @Matches(CODE, { message: '指标代码不合法 (bad indicator code)' })
  code!: string;
}

@ArgsType()
export class PublishMonthArgs {
  @Field(() => String)
  @Matches(MONTH_PATTERN, { message: MONTH_MESSAGE })
  month!: string;
}

@ArgsType()
export class IndicatorReportArgs {
  @Field(() => ScopeInput) @ValidateNested() @Type(() => ScopeInput) scope!: ScopeInput;
  @Field(() => PeriodInput) @ValidateNested() @Type(() => PeriodInput) period!: PeriodInput;
}

@ArgsType()
export class IndicatorArgs extends IndicatorReportArgs {
  @Field(() => String)
  @Matches(CODE, { message: '指标代码不合法 (bad indicator code)' })
  code!: string;

  @Field(() => Int, { defaultValue: 12, description: '趋势月数 12 或 24 Trend length: 12 or 24 months' })
  @IsIn(TREND_LENGTHS, { message: '趋势长度为 12 或 24 (trend: 12 or 24 months)' })
  trendMonths!: number;
}

@ArgsType()
export class IndicatorContributorsArgs extends IndicatorReportArgs {
  @Field(() => String)
  @Matches(CODE, { message: '指标代码不合法 (bad indicator code)' })
  code!: string;

  @Field(() => String, { description: '公式中的度量名 A measure key of the formula' })
  @IsString()
  @Matches(/^[a-z]+\.[a-z0-9_]+(\.[A-Z0-9_]+)?$/, { message: '度量名不合法 (bad measure key)' })
  measure!: string;

  @Field(() => Int, { defaultValue: 0 }) @IsInt() @Min(0) offset!: number;

  @Field(() => Int, { defaultValue: 50 })
  @IsInt()
  @Min(1)
  @Max(CONTRIBUTOR_PAGE_MAX)
  limit!: number;
}
