import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { StatisticKey } from '../domain/statistics';

export enum DataImportStatus {
  UPLOADING = 'UPLOADING',
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  DONE = 'DONE',
  FAILED = 'FAILED',
}
registerEnumType(DataImportStatus, { name: 'DataImportStatus' });

@ObjectType({ description: '被拒绝的行 A rejected record' })
export class RowRejectionModel {
  @Field(() => Int, { description: '第几条(推送)或文件行号 Record number (push) or file line' })
  line!: number;

  @Field(() => String, { nullable: true })
  sourceRecordId!: string | null;

  @Field()
  reason!: string;
}

@ObjectType({ description: '一次上报的结果 What one report did' })
export class IntakeReportModel {
  @Field(() => ID)
  runId!: string;

  @Field(() => Int, { description: '新记录 New records' })
  accepted!: number;

  @Field(() => Int, { description: '更正(替换旧记录) Corrections that replaced a record' })
  replaced!: number;

  @Field(() => Int, { description: '与已有记录相同,未改动 Identical to what is held' })
  unchanged!: number;

  @Field(() => [RowRejectionModel])
  rejected!: RowRejectionModel[];
}

@ObjectType('DataImport', { description: '一次数据上报或文件导入 One push or file import of visit data' })
export class DataImportModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  institutionId!: string | null;

  @Field({ description: 'ENCOUNTERS | OUT_OF_COUNTY' })
  kind!: string;

  @Field({ description: 'PUSH | FILE' })
  channel!: string;

  @Field()
  sourceSystem!: string;

  @Field(() => DataImportStatus)
  status!: DataImportStatus;

  @Field(() => String, { nullable: true })
  fileName!: string | null;

  @Field(() => Int, { nullable: true })
  rowsTotal!: number | null;

  @Field(() => Int)
  rowsDone!: number;

  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  replaced!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  rejectedCount!: number;

  @Field(() => [RowRejectionModel], { description: '前 1000 个被拒绝的行 The first 1,000 rejected rows' })
  rejected!: RowRejectionModel[];

  @Field(() => String, { nullable: true })
  failure!: string | null;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({ description: '年度统计报表提交结果 What a statistics submission saved' })
export class StatisticsSubmissionModel {
  @Field(() => Int)
  year!: number;

  @Field(() => Int)
  values!: number;

  @Field(() => Int)
  dispatches!: number;
}

@ObjectType({ description: '年度统计报表中已记录的一项 A value recorded in a yearly statistics form' })
export class StatisticValueModel {
  @Field(() => StatisticKey)
  key!: StatisticKey;

  @Field(() => ID, { nullable: true, description: '按医共体填报的项目为空 Null for consortium-wide items' })
  institutionId!: string | null;

  @Field(() => Float)
  value!: number;

  @Field()
  submittedAt!: Date;
}

@ObjectType({ description: '派驻医师记录 A doctor dispatched to a primary-care institution' })
export class DispatchRecordModel {
  @Field()
  reference!: string;

  @Field(() => ID)
  fromInstitutionId!: string;

  @Field(() => ID)
  toInstitutionId!: string;

  @Field({ description: 'YYYY-MM-DD' })
  startsOn!: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD, 空: 仍在派驻 empty: still there' })
  endsOn!: string | null;

  @Field()
  submittedAt!: Date;
}
