import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Paginated } from '@yg/core';
import { PractitionerModel } from '@yg/network';
import { ConsultationKind, ConsultationState, SessionModeValue } from '../domain/consultation.enums';
import { AttachmentFields } from '@yg/documents';

@ObjectType('Slot', { description: '可预约时段 Free slot' })
export class SlotModel {
  @Field(() => Date) start!: Date;
  @Field(() => Date) end!: Date;
  @Field(() => SessionModeValue) mode!: SessionModeValue;
}

@ObjectType('ExpertSlots')
export class ExpertSlotsModel {
  @Field(() => PractitionerModel) expert!: PractitionerModel;
  @Field(() => [SlotModel]) slots!: SlotModel[];
}

@ObjectType('AvailabilityRule')
export class AvailabilityRuleModel {
  @Field(() => Int) weekday!: number;
  @Field(() => String) start!: string;
  @Field(() => String) end!: string;
  @Field(() => Int) sessionMinutes!: number;
  @Field(() => SessionModeValue) mode!: SessionModeValue;
  @Field(() => String) validFrom!: string;
  @Field(() => String, { nullable: true }) validTo!: string | null;
}

@ObjectType('AvailabilityException')
export class AvailabilityExceptionModel {
  @Field(() => String) date!: string;
  @Field(() => String) kind!: string;
  @Field(() => String, { nullable: true }) start!: string | null;
  @Field(() => String, { nullable: true }) end!: string | null;
  @Field(() => Int, { nullable: true }) sessionMinutes!: number | null;
  @Field(() => SessionModeValue, { nullable: true }) mode!: SessionModeValue | null;
}

@ObjectType('AvailabilityWindow', {
  description: '出诊时段(每周规则与例外展开后) An offered window, weekly rules and exceptions applied',
})
export class AvailabilityWindowModel {
  @Field(() => Date) start!: Date;
  @Field(() => Date) end!: Date;
  @Field(() => Int) sessionMinutes!: number;
  @Field(() => SessionModeValue) mode!: SessionModeValue;
  @Field(() => Boolean, { description: '加诊(例外)而非每周规则 An extra window, not a weekly rule' })
  extra!: boolean;
}

@ObjectType('ExpertAvailability', { description: '专家出诊安排 An expert schedule' })
export class ExpertAvailabilityModel {
  @Field(() => ID) expertId!: string;
  @Field(() => String) timeZone!: string;
  @Field(() => [AvailabilityRuleModel]) rules!: AvailabilityRuleModel[];
  @Field(() => [AvailabilityExceptionModel]) exceptions!: AvailabilityExceptionModel[];
}

@ObjectType('Consent')
export class ConsentModel {
  @Field(() => String) signedBy!: string;
  @Field(() => String) relationship!: string;
  @Field(() => String) signedAt!: string;
  @Field(() => String, {
    description: '扫描件地址;上传的为 /documents/<id> (an upload: where the api serves it)',
  })
  documentUri!: string;
  @Field(() => ID, { nullable: true, description: '上传的扫描件 The uploaded scan' })
  documentId?: string | null;
}

@ObjectType('StudyAttachment')
export class StudyAttachmentModel extends AttachmentFields {}

@ObjectType('ConsultationExpert')
export class ConsultationExpertModel {
  @Field(() => ID) practitionerId!: string;
  @Field(() => Boolean, { description: '申请时指定 Named by the requester' }) named!: boolean;
  @Field(() => Boolean, { description: '已预约 Booked' }) assigned!: boolean;
}

@ObjectType('ConsultationStep')
export class ConsultationStepModel {
  @Field(() => ID) id!: string;
  @Field(() => Date) at!: Date;
  @Field(() => ID, { nullable: true }) actorUserId!: string | null;
  @Field(() => String) action!: string;
  @Field(() => ConsultationState, { nullable: true }) fromState!: ConsultationState | null;
  @Field(() => ConsultationState) toState!: ConsultationState;
  @Field(() => String, { nullable: true }) note!: string | null;
}

@ObjectType('SuggestedDiagnosis')
export class SuggestedDiagnosisModel {
  @Field(() => String, { nullable: true }) code!: string | null;
  @Field(() => String) name!: string;
}

@ObjectType('ConsultationReport', { description: '已签署的专家报告 Signed expert report' })
export class ConsultationReportModel {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => ID) authorPractitionerId!: string;
  @Field(() => ID) authorUserId!: string;
  @Field(() => String) opinion!: string;
  @Field(() => [SuggestedDiagnosisModel]) suggestedDiagnoses!: SuggestedDiagnosisModel[];
  @Field(() => String) recommendations!: string;
  @Field(() => String, { nullable: true }) amendmentReason!: string | null;
  @Field(() => Date) signedAt!: Date;
  @Field(() => String, { description: '签署内容的 SHA-256 Hash of the signed content' }) contentHash!: string;
}

@ObjectType('Consultation', { description: '远程会诊 / 专家坐诊 Consultation' })
export class ConsultationModel {
  @Field(() => ID) id!: string;
  @Field(() => String) number!: string;
  @Field(() => ConsultationKind) kind!: ConsultationKind;
  @Field(() => ConsultationState) state!: ConsultationState;
  @Field(() => String) urgency!: string;
  @Field(() => ID) patientId!: string;
  @Field(() => ID) requestingInstitutionId!: string;
  @Field(() => ID, { nullable: true }) requestingPractitionerId!: string | null;
  @Field(() => ID) requestingUserId!: string;
  @Field(() => String) purpose!: string;
  @Field(() => String) caseSummary!: string;
  @Field(() => String) question!: string;
  @Field(() => [StudyAttachmentModel]) attachments!: StudyAttachmentModel[];
  @Field(() => String, { nullable: true }) requestedSpecialty!: string | null;
  @Field(() => String, { nullable: true }) requestedTitle!: string | null;
  @Field(() => ConsentModel, { nullable: true }) consent!: ConsentModel | null;
  @Field(() => Date, { nullable: true }) scheduledStart!: Date | null;
  @Field(() => Date, { nullable: true }) scheduledEnd!: Date | null;
  @Field(() => SessionModeValue, { nullable: true }) mode!: SessionModeValue | null;
  @Field(() => String, { nullable: true, description: '会议链接 Meeting URL' }) meetingUrl!: string | null;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) endedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: '报告时限 Report due' }) reportDueAt!: Date | null;
  @Field(() => String, { nullable: true }) declineReason!: string | null;
  @Field(() => String, { nullable: true }) cancelReason!: string | null;
  @Field(() => Date) createdAt!: Date;
}

export const ConsultationConnection = Paginated(ConsultationModel, 'ConsultationConnection');
