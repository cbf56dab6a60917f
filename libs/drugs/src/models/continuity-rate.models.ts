import { ArgsType, Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { ContinuityOutcome } from '../domain/drug.enums';
import { RateBasis } from '../domain/continuity-rate';

registerEnumType(RateBasis, {
  name: 'ContinuityRateBasis',
  valuesMap: {
    AVAILABLE: { description: '提交时可供应 Available when submitted' },
    SUBSTITUTE: { description: '提交时可替代 A substitute was in stock when submitted' },
    SUPPLIED: { description: '到诊前已补货 Supplied before the patient arrived' },
    NOT_COUNTED: { description: '不计入分子 Not counted' },
  },
});

@ArgsType()
export class ContinuityRateArgs {
  @Field(() => String, { description: '月份(医共体时区),如 2026-11 Month in the consortium’s time zone' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '月份格式为 YYYY-MM (month: YYYY-MM)' })
  month!: string;

  @Field(() => ID, {
    nullable: true,
    description: '接收机构;不填为全医共体 Receiving institution; all when omitted',
  })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
}

@ObjectType('MedicationContinuityRateItem', { description: '计入分母的计划条目 An item of the denominator' })
export class ContinuityRateItemModel {
  @Field(() => ID) referralId!: string;
  @Field(() => String, { description: '转诊单号 Referral number' }) referralNumber!: string;
  @Field(() => ID) receivingInstitutionId!: string;
  @Field(() => Date) submittedAt!: Date;
  @Field(() => Date, { nullable: true, description: '患者到诊时间 When the patient arrived' })
  arrivedAt!: Date | null;
  @Field(() => ID) planItemId!: string;
  @Field(() => Int) position!: number;
  @Field(() => String) drug!: string;
  @Field(() => ContinuityOutcome, { description: '提交时的结果 Outcome at submission' })
  outcome!: ContinuityOutcome;
  @Field(() => Boolean, { description: '是否计入分子 Counted in the numerator' }) counted!: boolean;
  @Field(() => RateBasis) basis!: RateBasis;
  @Field(() => String, { description: '原因 Why' }) reason!: string;
  @Field(() => ID, { nullable: true, description: '补货的缺药登记 The supply request that brought it' })
  supplyRequestId!: string | null;
  @Field(() => String, { nullable: true }) supplyRequestNumber!: string | null;
  @Field(() => Date, { nullable: true }) suppliedAt!: Date | null;
}

@ObjectType('MedicationContinuityRateRow', { description: '一个接收机构的衔接率 One receiving institution' })
export class ContinuityRateRowModel {
  @Field(() => ID) institutionId!: string;
  @Field(() => Int) numerator!: number;
  @Field(() => Int) denominator!: number;
  @Field(() => Float, { nullable: true, description: '分母为 0 时为空 Null when the denominator is 0' })
  rate!: number | null;
}

@ObjectType('MedicationContinuityRate', {
  description:
    '用药衔接率:当月提交的下转用药计划中,提交时接收机构可供应或可替代、或到诊前已补货的条目 ÷ 全部条目 ' +
    '(items of DOWN plans submitted in the month that were available or substitutable at submission, or supplied before arrival, ÷ all items)',
})
export class ContinuityRateModel {
  @Field(() => String) month!: string;
  @Field(() => ID, { nullable: true }) institutionId!: string | null;
  @Field(() => Int) numerator!: number;
  @Field(() => Int) denominator!: number;
  @Field(() => Float, { nullable: true, description: '0–1,四位小数 0–1, four decimals' }) rate!:
    number | null;
  @Field(() => [ContinuityRateRowModel], { description: '按接收机构 By receiving institution' })
  byInstitution!: ContinuityRateRowModel[];
  @Field(() => [ContinuityRateItemModel], {
    description: '每一项及其计入与否 Every item and why it counts or not',
  })
  items!: ContinuityRateItemModel[];
}
