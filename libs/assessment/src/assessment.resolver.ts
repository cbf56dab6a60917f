import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ArgsType, Field } from '@nestjs/graphql';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { AuthUser, CurrentUser, Role, Roles } from '@yg/core';
import {
  AnalysisArgs,
  AssessmentArgs,
  AssessmentModel,
  CaseArgs,
  CorrectAssessmentInput,
  CreateKeyMatterInput,
  CreateKeyTaskInput,
  DrawArgs,
  HistoryModel,
  KeyMatterModel,
  KeyTaskModel,
  OpenAssessmentArgs,
  PublishArgs,
  RatingArgs,
  RecomputeArgs,
  ReportTaskProgressInput,
  SchemeModel,
  TaskProgressModel,
  UpdateAssessmentSchemeInput,
  UpdateKeyTaskInput,
} from './models/assessment.models';
import { LedgerService } from './ledger/ledger.service';
import { SchemeService } from './month/scheme.service';
import { AssessmentService } from './month/assessment.service';

const READERS = [Role.CONSORTIUM_ADMIN, Role.AUDITOR, Role.INSTITUTION_ADMIN];
const ADMIN = Role.CONSORTIUM_ADMIN;

@ArgsType()
class YearArgs {
  @Field(() => Int) @IsInt() @Min(2000) @Max(2099) year!: number;
}

@ArgsType()
class IdArgs {
  @Field(() => ID) @IsUUID() id!: string;
}

@ArgsType()
class InstitutionArgs {
  @Field(() => ID) @IsUUID() institutionId!: string;
}

/** Thin: the key-task ledger and the monthly assessment. */
@Resolver()
export class AssessmentResolver {
  constructor(
    private readonly ledger: LedgerService,
    private readonly schemes: SchemeService,
    private readonly assessments: AssessmentService,
  ) {}

  @Query(() => [KeyTaskModel], { description: '年度重点任务台账 The key-task ledger of a year' })
  @Roles(...READERS)
  keyTasks(@CurrentUser() user: AuthUser, @Args() a: YearArgs): Promise<KeyTaskModel[]> {
    return this.ledger.tasks(user, a.year);
  }

  @Mutation(() => KeyTaskModel, { description: '新建重点任务 Create a key task' })
  @Roles(ADMIN)
  createKeyTask(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateKeyTaskInput,
  ): Promise<KeyTaskModel> {
    return this.ledger.createTask(user, input);
  }

  @Mutation(() => KeyTaskModel, { description: '修改重点任务(需读到的版本) Update a key task' })
  @Roles(ADMIN)
  updateKeyTask(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateKeyTaskInput,
  ): Promise<KeyTaskModel> {
    return this.ledger.updateTask(user, input);
  }

  @Mutation(() => KeyMatterModel, { description: '新增关键事项(到期前提醒,逾期通知) Add a key matter' })
  @Roles(ADMIN)
  createKeyMatter(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CreateKeyMatterInput,
  ): Promise<KeyMatterModel> {
    return this.ledger.createMatter(user, input);
  }

  @Mutation(() => KeyMatterModel, { description: '关键事项办结 Mark a key matter done' })
  @Roles(ADMIN, Role.INSTITUTION_ADMIN)
  completeKeyMatter(@CurrentUser() user: AuthUser, @Args() a: IdArgs): Promise<KeyMatterModel> {
    return this.ledger.completeMatter(user, a.id);
  }

  @Mutation(() => TaskProgressModel, {
    description: '填报任务进展及佐证 Report a task’s progress with evidence',
  })
  @Roles(ADMIN, Role.INSTITUTION_ADMIN)
  reportTaskProgress(
    @CurrentUser() user: AuthUser,
    @Args('input') input: ReportTaskProgressInput,
  ): Promise<TaskProgressModel> {
    return this.ledger.reportProgress(user, input);
  }

  @Query(() => [TaskProgressModel], {
    description: '某单位本年度各任务的最新填报 What a unit last reported on each task of a year',
  })
  @Roles(...READERS)
  keyTaskProgress(
    @CurrentUser() user: AuthUser,
    @Args() a: YearArgs,
    @Args() i: InstitutionArgs,
  ): Promise<TaskProgressModel[]> {
    return this.ledger.latestProgress(user, a.year, i.institutionId);
  }

  @Query(() => [SchemeModel], { description: '考核方案各版本,新的在前 Assessment scheme versions' })
  @Roles(...READERS)
  assessmentSchemes(@CurrentUser() user: AuthUser): Promise<SchemeModel[]> {
    return this.schemes.versions(user);
  }

  @Mutation(() => SchemeModel, { description: '修改考核方案(新版本,用于此后开启的月份) New scheme version' })
  @Roles(ADMIN)
  updateAssessmentScheme(
    @CurrentUser() user: AuthUser,
    @Args('input') input: UpdateAssessmentSchemeInput,
  ): Promise<SchemeModel> {
    return this.schemes.update(user, input);
  }

  @Mutation(() => AssessmentModel, {
    description: '开启月度考核,计算完成度 Open a month, completion computed',
  })
  @Roles(ADMIN)
  openAssessment(@CurrentUser() user: AuthUser, @Args() a: OpenAssessmentArgs): Promise<AssessmentModel> {
    return this.assessments.open(user, a.month, a.raterIds);
  }

  @Mutation(() => AssessmentModel, {
    description: '按最新数据重算完成度(未发布时) Recompute completion from today’s data while open',
  })
  @Roles(ADMIN)
  recomputeAssessmentCompletion(
    @CurrentUser() user: AuthUser,
    @Args() a: RecomputeArgs,
  ): Promise<AssessmentModel> {
    return this.assessments.recompute(user, a.month, a.version);
  }

  @Mutation(() => AssessmentModel, { description: '认可度评分(每人每单位一次) A recognition rating' })
  submitRecognitionRating(@CurrentUser() user: AuthUser, @Args() a: RatingArgs): Promise<AssessmentModel> {
    return this.assessments.rate(user, a.month, a.institutionId, a.score);
  }

  @Mutation(() => AssessmentModel, { description: '剖析度评分(月度讲评会) Depth-of-analysis score' })
  @Roles(ADMIN)
  scoreAnalysis(@CurrentUser() user: AuthUser, @Args() a: AnalysisArgs): Promise<AssessmentModel> {
    return this.assessments.scoreAnalysis(user, a.month, a.institutionId, a.score, a.version);
  }

  @Mutation(() => AssessmentModel, { description: '随机抽取 2 个单位作剖析(种子留存) Draw 2 units' })
  @Roles(ADMIN)
  drawAnalysisUnits(@CurrentUser() user: AuthUser, @Args() a: DrawArgs): Promise<AssessmentModel> {
    return this.assessments.draw(user, a.month, a.seed);
  }

  @Mutation(() => AssessmentModel, { description: '记录正面/反面典型 Record the good or bad case' })
  @Roles(ADMIN)
  recordAssessmentCase(@CurrentUser() user: AuthUser, @Args() a: CaseArgs): Promise<AssessmentModel> {
    return this.assessments.recordCase(user, a.month, a.kind, {
      institutionId: a.institutionId,
      title: a.title,
      summary: a.summary,
    });
  }

  @Mutation(() => AssessmentModel, { description: '发布(锁定本月,通知各单位) Publish and lock the month' })
  @Roles(ADMIN)
  publishAssessment(@CurrentUser() user: AuthUser, @Args() a: PublishArgs): Promise<AssessmentModel> {
    return this.assessments.publish(user, a.month, a.version);
  }

  @Mutation(() => AssessmentModel, { description: '发布后更正(新版本,需说明理由) Correct after publication' })
  @Roles(ADMIN)
  correctAssessment(
    @CurrentUser() user: AuthUser,
    @Args('input') input: CorrectAssessmentInput,
  ): Promise<AssessmentModel> {
    return this.assessments.correct(user, input);
  }

  @Query(() => AssessmentModel, { description: '月度考核排名与得分 A month’s ranking and scores' })
  assessment(@CurrentUser() user: AuthUser, @Args() a: AssessmentArgs): Promise<AssessmentModel> {
    return this.assessments.view(user, a.month, a.edition);
  }

  @Query(() => HistoryModel, { description: '单位历月得分与名次,及全医共体分布 A unit’s history' })
  @Roles(...READERS)
  assessmentHistory(@CurrentUser() user: AuthUser, @Args() a: InstitutionArgs): Promise<HistoryModel> {
    return this.assessments.history(user, a.institutionId);
  }
}
