import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Paginated } from '@yg/core';
import {
  InsuranceType,
  ReferralDirection,
  ReferralState,
  RejectReasonCode,
  Urgency,
} from '../domain/referral.enums';
import { AttachmentFields } from '@yg/documents';

@ObjectType('ReferralAttachment')
export class AttachmentModel extends AttachmentFields {}

@ObjectType('MedicationItem', { description: '用药计划条目 Medication plan item' })
export class MedicationItemModel {
  @Field(() => String) drug!: string;
  @Field(() => String, { nullable: true, description: '医保药品代码 National drug code' })
  nationalCode?: string | null;
  @Field(() => ID, { nullable: true, description: '统一药品目录条目 Unified-list item' })
  formularyItemId?: string | null;
  @Field(() => String) dose!: string;
  @Field(() => String) route!: string;
  @Field(() => String) frequency!: string;
  @Field(() => String) duration!: string;
}

@ObjectType('ReferralStep', { description: '转诊时间线 Timeline step' })
export class ReferralStepModel {
  @Field(() => ID) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => ID, { nullable: true, description: '操作人;空为系统 Actor; empty for the system' })
  actorUserId!: string | null;
  @Field(() => String) action!: string;
  @Field(() => ReferralState, { nullable: true }) fromState!: ReferralState | null;
  @Field(() => ReferralState) toState!: ReferralState;
  @Field(() => String, { nullable: true }) note!: string | null;
}

@ObjectType('Referral', { description: '双向转诊 Two-way referral' })
export class ReferralModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: '转诊单号 Human number' }) number!: string;
  @Field(() => ReferralDirection) direction!: ReferralDirection;
  @Field(() => ReferralState) state!: ReferralState;
  @Field(() => Urgency) urgency!: Urgency;
  @Field(() => ID) patientId!: string;
  @Field(() => ID) fromInstitutionId!: string;
  @Field(() => ID, { nullable: true }) fromPractitionerId!: string | null;
  @Field(() => ID) fromUserId!: string;
  @Field(() => String) contactPhone!: string;
  @Field(() => ID) toInstitutionId!: string;
  @Field(() => ID, { nullable: true }) toDepartmentId!: string | null;
  @Field(() => String) diagnosisCode!: string;
  @Field(() => String) diagnosisName!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String) clinicalSummary!: string;
  @Field(() => String, { nullable: true }) attentionNotes!: string | null;
  @Field(() => [AttachmentModel]) attachments!: AttachmentModel[];
  @Field(() => InsuranceType) insuranceType!: InsuranceType;
  @Field(() => String, { nullable: true }) dischargeSummary!: string | null;
  @Field(() => String, { nullable: true }) rehabPlan!: string | null;
  @Field(() => [MedicationItemModel]) medicationPlan!: MedicationItemModel[];
  @Field(() => Date, { nullable: true }) appointmentAt!: Date | null;
  @Field(() => String, { nullable: true }) appointmentPlace!: string | null;
  @Field(() => String, { nullable: true }) bed!: string | null;
  @Field(() => Date, { nullable: true, description: '应答时限 Answer deadline' }) responseDueAt!: Date | null;
  @Field(() => Date, { description: '工作列表排序时间 What the worklist sorts by' }) dueAt!: Date;
  @Field(() => Int, { description: '超时升级级别 Escalation level (0–2)' }) escalationLevel!: number;
  @Field(() => RejectReasonCode, { nullable: true }) rejectCode!: RejectReasonCode | null;
  @Field(() => String, { nullable: true }) rejectReason!: string | null;
  @Field(() => String, { nullable: true }) cancelReason!: string | null;
  @Field(() => ID, { nullable: true }) resubmissionOf!: string | null;
  @Field(() => Date, { nullable: true }) submittedAt!: Date | null;
  @Field(() => Date, { nullable: true }) answeredAt!: Date | null;
  @Field(() => Date, { nullable: true }) arrivedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

export const ReferralConnection = Paginated(ReferralModel, 'ReferralConnection');

@ObjectType('ReferralStateCount')
export class StateCountModel {
  @Field(() => ReferralState) state!: ReferralState;
  @Field(() => Int) count!: number;
}

@ObjectType('ReferralCounts', { description: '工作台计数 Dashboard counts' })
export class ReferralCountsModel {
  @Field(() => Int) total!: number;
  @Field(() => [StateCountModel], { description: '按状态 By state (every state, zeros included)' })
  byState!: StateCountModel[];
  @Field(() => Int, { description: '已超应答时限仍待接收 Waiting past the answer deadline' })
  overdue!: number;
  @Field(() => Int, { description: '已升级 Escalated' }) escalated!: number;
}
