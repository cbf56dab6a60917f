import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuthUser, CurrentUser, Role, Roles } from '@yg/core';
import { IntakeReport, IntakeService } from './intake.service';
import { StatisticsService } from './statistics.service';
import {
  ReportEncountersInput,
  ReportOutOfCountySettlementsInput,
  SubmitStatisticsInput,
} from './dto/intake.inputs';
import {
  DataImportModel,
  DispatchRecordModel,
  IntakeReportModel,
  StatisticsSubmissionModel,
  StatisticValueModel,
} from './models/intake.models';

@Resolver()
export class IntakeResolver {
  constructor(
    private readonly intake: IntakeService,
    private readonly statistics: StatisticsService,
  ) {}

  @Mutation(() => IntakeReportModel, {
    description:
      '诊疗数据上报(最多 1000 条;按 机构+系统+记录号 幂等,更正替换旧记录) ' +
      'Report encounters, up to 1,000; idempotent by institution, source system and record id',
  })
  @Roles(Role.DATA_INTEGRATION)
  reportEncounters(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReportEncountersInput,
  ): Promise<IntakeReport> {
    return this.intake.reportEncounters(user, input);
  }

  @Mutation(() => IntakeReportModel, {
    description: '县外就诊结算上报(医保) Report out-of-county settlements of insured residents, up to 1,000',
  })
  @Roles(Role.DATA_INTEGRATION)
  reportOutOfCountySettlements(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReportOutOfCountySettlementsInput,
  ): Promise<IntakeReport> {
    return this.intake.reportOutOfCounty(user, input);
  }

  @Mutation(() => StatisticsSubmissionModel, {
    description: "提交年度统计报表和派驻记录 Submit a year's statistics forms and dispatch records",
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  submitStatistics(
    @CurrentUser() user: AuthUser,
    @Args('input') input: SubmitStatisticsInput,
  ): Promise<StatisticsSubmissionModel> {
    return this.statistics.submit(user, input);
  }

  @Query(() => [StatisticValueModel], {
    name: 'statistics',
    description:
      '某年度统计报表已记录的值(机构管理员:医共体项目与本机构的) Values recorded for a year (institution admins: the consortium’s and their own)',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN, Role.AUDITOR)
  statisticValues(
    @CurrentUser() user: AuthUser,
    @Args('year', { type: () => Int }) year: number,
  ): Promise<StatisticValueModel[]> {
    return this.statistics.recorded(user, year);
  }

  @Query(() => [DispatchRecordModel], {
    description:
      '与某年重叠的派驻记录(机构管理员:派出或接收为本机构的) Dispatches overlapping a year (institution admins: from or to their own)',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN, Role.AUDITOR)
  dispatchRecords(
    @CurrentUser() user: AuthUser,
    @Args('year', { type: () => Int }) year: number,
  ): Promise<DispatchRecordModel[]> {
    return this.statistics.dispatches(user, year);
  }

  @Query(() => DataImportModel, { description: '一次数据上报或导入 One data report or import' })
  @Roles(Role.DATA_INTEGRATION, Role.INSTITUTION_ADMIN, Role.CONSORTIUM_ADMIN, Role.AUDITOR)
  dataImport(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DataImportModel> {
    return this.intake.run(user, id);
  }
}
