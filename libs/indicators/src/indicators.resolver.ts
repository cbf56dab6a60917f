import { Args, Field, ObjectType, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, CurrentUser, Role, Roles } from '@yg/core';
import {
  ContributorPageModel,
  IndicatorDefinitionModel,
  IndicatorDetailModel,
  IndicatorReportModel,
  IndicatorSetModel,
  UpdateIndicatorDefinitionInput,
} from './models/indicator.models';
import {
  IndicatorArgs,
  IndicatorCodeArgs,
  IndicatorContributorsArgs,
  IndicatorDefinitionsArgs,
  IndicatorReportArgs,
  PublishMonthArgs,
} from './dto/indicator.args';
import { IndicatorDefinitions } from './engine/definitions.service';
import { definitionModel, IndicatorReports } from './engine/indicator-reports.service';

const READERS = [Role.CONSORTIUM_ADMIN, Role.AUDITOR, Role.INSTITUTION_ADMIN];

@ObjectType('IndicatorPublication', { description: '已发布的月份 A published month' })
class PublicationModel {
  @Field(() => String) month!: string;
  @Field(() => Date) publishedAt!: Date;
  @Field(() => Int, { description: '固定了版本的指标数 Indicators pinned' }) definitions!: number;
}

@Resolver()
export class IndicatorsResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly definitions: IndicatorDefinitions,
    private readonly reports: IndicatorReports,
  ) {}

  @Query(() => [IndicatorSetModel], { description: '指标体系 Indicator sets' })
  @Roles(...READERS)
  indicatorSets(): Promise<IndicatorSetModel[]> {
    return this.definitions.sets();
  }

  @Query(() => [IndicatorDefinitionModel], { description: '现行指标定义 Indicator definitions in force' })
  @Roles(...READERS)
  async indicatorDefinitions(
    @CurrentUser() user: AuthUser,
    @Args() args: IndicatorDefinitionsArgs,
  ): Promise<IndicatorDefinitionModel[]> {
    return (await this.definitions.effective(this.dataSource.manager, user.tenantId, args.setCode)).map(
      definitionModel,
    );
  }

  @Query(() => [IndicatorDefinitionModel], {
    description: '某指标的全部版本,新的在前 Every version of one indicator',
  })
  @Roles(...READERS)
  async indicatorDefinitionVersions(
    @CurrentUser() user: AuthUser,
    @Args() args: IndicatorCodeArgs,
  ): Promise<IndicatorDefinitionModel[]> {
    return (await this.definitions.versions(this.dataSource.manager, user.tenantId, args.code)).map(
      definitionModel,
    );
  }

  @Mutation(() => IndicatorDefinitionModel, {
    description: '修改指标定义(生成新版本;已发布月份保留原版本) Edit an indicator: a new version',
  })
  @Roles(Role.CONSORTIUM_ADMIN)
  async updateIndicatorDefinition(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateIndicatorDefinitionInput,
  ): Promise<IndicatorDefinitionModel> {
    return definitionModel(await this.definitions.update(user, input));
  }

  @Mutation(() => PublicationModel, {
    description: '发布某月指标(固定所用定义版本) Publish a month: pin its definition versions',
  })
  @Roles(Role.CONSORTIUM_ADMIN)
  publishIndicatorMonth(
    @CurrentUser() user: AuthUser,
    @Args() args: PublishMonthArgs,
  ): Promise<PublicationModel> {
    return this.definitions.publish(user, args.month);
  }

  @Query(() => IndicatorReportModel, { description: '指标报表 Indicator report for a scope and period' })
  @Roles(...READERS)
  indicatorReport(
    @CurrentUser() user: AuthUser,
    @Args() args: IndicatorReportArgs,
  ): Promise<IndicatorReportModel> {
    return this.reports.report(user, args.scope, args.period);
  }

  @Query(() => IndicatorDetailModel, {
    description: '单项指标及趋势 One indicator with a 12- or 24-month trend',
  })
  @Roles(...READERS)
  indicator(@CurrentUser() user: AuthUser, @Args() args: IndicatorArgs): Promise<IndicatorDetailModel> {
    return this.reports.indicator(user, args.code, args.scope, args.period, args.trendMonths);
  }

  @Query(() => ContributorPageModel, {
    description: '指标下钻:构成某度量的记录 The records behind a measure',
  })
  @Roles(...READERS)
  indicatorContributors(
    @CurrentUser() user: AuthUser,
    @Args() args: IndicatorContributorsArgs,
  ): Promise<ContributorPageModel> {
    return this.reports.contributors(user, args.code, args.scope, args.period, args.measure, {
      offset: args.offset,
      limit: args.limit,
    });
  }
}
