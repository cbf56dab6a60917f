import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON, Paginated } from '@yg/core';
import { SupplyRequestState } from '../domain/drug.enums';
import { SupplyUrgency } from '../domain/supply';

@ObjectType('SupplyRequestStep', { description: '缺药登记时间线 Timeline step' })
export class SupplyRequestStepModel {
  @Field(() => ID) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => ID, { nullable: true, description: '操作人;空为系统 Actor; empty for the system' })
  actorUserId!: string | null;
  @Field(() => String) action!: string;
  @Field(() => SupplyRequestState, { nullable: true }) fromState!: SupplyRequestState | null;
  @Field(() => SupplyRequestState) toState!: SupplyRequestState;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => GraphQLJSON) details!: Record<string, unknown>;
}

@ObjectType('SupplyRequest', {
  description: '缺药登记(基层向中心药房申请) A supply request to the central pharmacy',
})
export class SupplyRequestModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: '登记号 Number' }) number!: string;
  @Field(() => SupplyRequestState) state!: SupplyRequestState;
  @Field(() => SupplyUrgency) urgency!: SupplyUrgency;
  @Field(() => ID) requestingInstitutionId!: string;
  @Field(() => ID, { description: '中心药房所在机构 The central pharmacy’s institution' })
  supplyingInstitutionId!: string;
  @Field(() => ID) formularyItemId!: string;
  @Field(() => ID, { nullable: true, description: '到货入库的本机构药品 The item receiving puts stock on' })
  catalogueItemId!: string | null;
  @Field(() => Float) quantity!: number;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Float, { nullable: true }) quantityDispatched!: number | null;
  @Field(() => Float, { nullable: true }) quantityReceived!: number | null;
  @Field(() => ID, { nullable: true }) referralId!: string | null;
  @Field(() => ID, { nullable: true, description: '对应的下转用药计划条目 The plan item it supplies' })
  planItemId!: string | null;
  @Field(() => String) reason!: string;
  @Field(() => String, { nullable: true }) rejectReason!: string | null;
  @Field(() => Date, { nullable: true }) neededBy!: Date | null;
  @Field(() => Date, { nullable: true, description: '审批时限 Decision deadline' }) decideDueAt!: Date | null;
  @Field(() => Date, { nullable: true, description: '到货时限 Delivery deadline' })
  deliverDueAt!: Date | null;
  @Field(() => Date, {
    nullable: true,
    description: '超过审批时限的时间 When it went past the decision deadline',
  })
  decideOverdueAt!: Date | null;
  @Field(() => Date, { nullable: true }) deliverOverdueAt!: Date | null;
  @Field(() => Int, { description: '版本(审批时传回) Version, sent back with a decision' }) version!: number;
  @Field(() => ID) requestedBy!: string;
  @Field(() => ID, { nullable: true }) decidedBy!: string | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => Date, { nullable: true }) dispatchedAt!: Date | null;
  @Field(() => Date, { nullable: true }) receivedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

export const SupplyRequestConnection = Paginated(SupplyRequestModel, 'SupplyRequestConnection');

@ObjectType('SupplyUrgencySeconds')
export class SupplyUrgencySecondsModel {
  @Field(() => Int) URGENT!: number;
  @Field(() => Int) ROUTINE!: number;
}

@ObjectType('SupplySettings', {
  description: '本医共体的缺药登记时限 Supply-request timings of my consortium',
})
export class SupplySettingsModel {
  @Field(() => SupplyUrgencySecondsModel, { description: '审批时限(秒) Decision deadline, seconds' })
  decideSeconds!: SupplyUrgencySecondsModel;
  @Field(() => SupplyUrgencySecondsModel, {
    description: '批准后到货时限(秒) Delivery deadline after approval',
  })
  deliverSeconds!: SupplyUrgencySecondsModel;
  @Field(() => Int, { description: '审批时限前多久提醒(秒) Reminder lead time' })
  reminderBeforeSeconds!: number;
  @Field(() => Int, { description: '版本(修改时传回) Version, sent back with a change' }) version!: number;
}
