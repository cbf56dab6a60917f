import { Audience, Role } from '@yg/core';
import type { DomainEvent } from '@yg/outbox/domain-event';
import { rooms } from '@yg/realtime/rooms';
import type { ReferralSummary } from '@yg/referrals';
import { ContinuityTrigger } from '../domain/drug.enums';
import type { MedicationContinuityCheckEntity } from '../entities/continuity.entities';

const TRIGGER_LABEL: Record<ContinuityTrigger, string> = {
  SUBMISSION: '提交',
  STOCK_CHANGE: '库存变化',
  MAPPING_CHANGE: '目录对照变化',
  SUPPLY: '补货到货',
  MANUAL: '人工复核',
};

/** The receiving institution's people who dispense or plan the patient's drugs. */
function receivingSide(r: ReferralSummary): Audience[] {
  return [
    {
      institutionId: r.toInstitutionId,
      roles: [Role.CLINICIAN, Role.PHARMACIST, Role.REFERRAL_COORDINATOR],
    },
  ];
}

function counts(c: MedicationContinuityCheckEntity): { zh: string; en: string } {
  return {
    zh:
      `共 ${c.itemsTotal} 项:可供应 ${c.available}、可替代 ${c.substitute}、缺货 ${c.outOfStock}、` +
      `未列目录 ${c.notListed}、无法识别 ${c.unknown}`,
    en:
      `${c.itemsTotal} items: ${c.available} available, ${c.substitute} substitute, ` +
      `${c.outOfStock} out of stock, ${c.notListed} not listed, ${c.unknown} unknown`,
  };
}

/**
 * A continuity check was stored. The check made at submission commits with the submission,
 * whose own `referral.updated` push already has both ends re-read the referral: it adds only
 * an inbox entry for the receiving institution's pharmacists when something is missing (null
 * when nothing is). A re-check that changed an outcome reaches both ends: the inbox of the
 * receiving side and of the sender, and a `referral.updated` push to both institutions.
 */
export function continuityEvent(
  check: MedicationContinuityCheckEntity,
  r: ReferralSummary,
  actorUserId: string | null,
): DomainEvent | null {
  const c = counts(check);
  const atSubmission = check.trigger === ContinuityTrigger.SUBMISSION;
  if (atSubmission && check.available === check.itemsTotal) return null;
  const kind = atSubmission ? 'medication.continuity-checked' : 'medication.continuity-changed';
  const title = atSubmission
    ? `下转 ${r.number} 用药计划有药品需备药,${c.zh} (Referral ${r.number} brings a plan with missing drugs: ${c.en})`
    : `下转 ${r.number} 用药衔接已更新(${TRIGGER_LABEL[check.trigger]}),${c.zh} ` +
      `(Medication continuity of referral ${r.number} changed after ${check.trigger}: ${c.en})`;
  const at = check.checkedAt.toISOString();
  return {
    type: kind,
    tenantId: check.tenantId,
    aggregateType: 'Referral',
    aggregateId: r.id,
    occurredAt: at,
    actorUserId,
    data: {
      referralId: r.id,
      number: r.number,
      checkId: check.id,
      trigger: check.trigger,
      receivingInstitutionId: check.receivingInstitutionId,
      itemsTotal: check.itemsTotal,
      available: check.available,
      substitute: check.substitute,
      outOfStock: check.outOfStock,
      notListed: check.notListed,
      unknown: check.unknown,
    },
    notify: [
      {
        audience: atSubmission
          ? [{ institutionId: r.toInstitutionId, roles: [Role.PHARMACIST] }]
          : [...receivingSide(r), { userIds: [r.fromUserId] }],
        kind,
        title,
        link: `/referrals/${r.id}`,
        excludeUserIds: actorUserId ? [actorUserId] : [],
      },
    ],
    push: atSubmission
      ? []
      : [
          {
            rooms: [rooms.institution(r.fromInstitutionId), rooms.institution(r.toInstitutionId)],
            event: 'referral.updated',
            data: {
              id: r.id,
              number: r.number,
              state: r.state,
              type: 'medication.continuity',
              checkId: check.id,
              trigger: check.trigger,
              at,
            },
          },
        ],
  };
}
