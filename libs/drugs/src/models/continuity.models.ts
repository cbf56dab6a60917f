import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from '@yg/core';
import { ContinuityOutcome, ContinuityTrigger } from '../domain/drug.enums';
import type { Resolution } from '../domain/continuity';

export enum ContinuityResolution {
  FORMULARY_ITEM = 'FORMULARY_ITEM',
  NATIONAL_CODE = 'NATIONAL_CODE',
  MATCHED = 'MATCHED',
  PRODUCT_KEY = 'PRODUCT_KEY',
  UNRESOLVED = 'UNRESOLVED',
}
/** The domain's resolutions, one for one (a compile error here means one side changed). */
export const RESOLUTION_VALUES: Record<Resolution, ContinuityResolution> = {
  FORMULARY_ITEM: ContinuityResolution.FORMULARY_ITEM,
  NATIONAL_CODE: ContinuityResolution.NATIONAL_CODE,
  MATCHED: ContinuityResolution.MATCHED,
  PRODUCT_KEY: ContinuityResolution.PRODUCT_KEY,
  UNRESOLVED: ContinuityResolution.UNRESOLVED,
};

registerEnumType(ContinuityResolution, {
  name: 'ContinuityResolution',
  valuesMap: {
    FORMULARY_ITEM: { description: '转出方选定的统一目录条目 The unified-list item the sender picked' },
    NATIONAL_CODE: { description: '按医保代码对应 By the national code' },
    MATCHED: { description: '按名称、剂型、规格自动确认 Matched by name, form and strength' },
    PRODUCT_KEY: { description: '代码不在统一目录,按品种找替代 Code off the list: by its product' },
    UNRESOLVED: { description: '未能确认 Not resolved' },
  },
});

@ObjectType('ContinuityLocalItem', { description: '接收机构的本地药品 The receiving institution’s own item' })
export class ContinuityLocalItemModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: '本地编码 Local code' }) localCode!: string;
  @Field(() => String, { nullable: true }) brandName!: string | null;
  @Field(() => String) genericName!: string;
  @Field(() => String, { nullable: true }) dosageForm!: string | null;
  @Field(() => String, { nullable: true }) spec!: string | null;
  @Field(() => String, { nullable: true }) maker!: string | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Boolean) active!: boolean;
}

/** A plan item with its outcome in one check. */
export interface ContinuityItemRow {
  checkId: string;
  planItemId: string;
  position: number;
  drug: string;
  nationalCode: string | null;
  dose: string | null;
  route: string | null;
  frequency: string | null;
  duration: string | null;
  plannedItemId: string | null;
  resolvedBy: ContinuityResolution | null;
  outcome: ContinuityOutcome;
  formularyItemId: string | null;
  catalogueItemId: string | null;
  onHand: number | null;
  note: string | null;
}

@ObjectType('MedicationContinuityItem', { description: '用药计划条目的衔接结果 One plan item’s outcome' })
export class ContinuityItemModel implements ContinuityItemRow {
  checkId!: string;
  @Field(() => ID) planItemId!: string;
  @Field(() => Int, { description: '计划中的序号(0 起) Position in the plan' }) position!: number;
  @Field(() => String, { description: '药品(如书写) As written' }) drug!: string;
  @Field(() => String, { nullable: true }) nationalCode!: string | null;
  @Field(() => String, { nullable: true }) dose!: string | null;
  @Field(() => String, { nullable: true }) route!: string | null;
  @Field(() => String, { nullable: true }) frequency!: string | null;
  @Field(() => String, { nullable: true }) duration!: string | null;
  @Field(() => ID, { nullable: true, description: '计划对应的统一目录条目 The unified-list item planned' })
  plannedItemId!: string | null;
  @Field(() => ContinuityResolution, { nullable: true, description: '如何对应 How it was resolved' })
  resolvedBy!: ContinuityResolution | null;
  @Field(() => ContinuityOutcome) outcome!: ContinuityOutcome;
  @Field(() => ID, {
    nullable: true,
    description:
      '将发放的统一目录条目(替代时为替代品) The item that would be dispensed (the substitute for SUBSTITUTE)',
  })
  formularyItemId!: string | null;
  @Field(() => ID, { nullable: true }) catalogueItemId!: string | null;
  @Field(() => Float, { nullable: true, description: '核对时的库存 On hand when checked' }) onHand!:
    number | null;
  @Field(() => String, {
    nullable: true,
    description: '说明(替代时含剂量换算) Note; for a substitute, the dose note',
  })
  note!: string | null;
}

@ObjectType('MedicationContinuityCheck', {
  description:
    '下转用药衔接核对(提交时一次,到诊前随库存/对照变化复核) A continuity check of a down-referral’s plan',
})
export class ContinuityCheckModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) referralId!: string;
  @Field(() => ID) receivingInstitutionId!: string;
  @Field(() => ContinuityTrigger) trigger!: ContinuityTrigger;
  @Field(() => Boolean, { description: '当前有效的核对 The current check' }) current!: boolean;
  @Field(() => Date) referralSubmittedAt!: Date;
  @Field(() => Date) checkedAt!: Date;
  @Field(() => Int) itemsTotal!: number;
  @Field(() => Int) available!: number;
  @Field(() => Int) substitute!: number;
  @Field(() => Int) outOfStock!: number;
  @Field(() => Int) notListed!: number;
  @Field(() => Int) unknown!: number;
  @Field(() => GraphQLJSON, {
    description:
      '核对依据:对应方式、目录版本、对照版本、库存 The inputs: resolution, list and mapping versions, stock',
  })
  snapshot!: Record<string, unknown>;
}
