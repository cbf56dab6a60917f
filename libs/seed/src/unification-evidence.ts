import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

interface DemoEvidence {
  institutionKey: string;
  kind: string;
  title: string;
  /** Days after the first of last month (the consortium's calendar). */
  day: number;
  recordedBy: string;
  review?: { by: string; decision: 'ACCEPTED' | 'REJECTED'; reason?: string };
}

/**
 * Seven-unification evidence for a few dimensions of two institutions, dated last month: the
 * 邻鄂 sub-centre's documents reviewed (two accepted, its ledger statement rejected and sent again,
 * the new one awaiting the consortium admin's review), the general hospital's committee minutes
 * and mutual-recognition list awaiting a second consortium admin (nobody reviews their own record).
 */
export const DEMO_EVIDENCE: DemoEvidence[] = [
  {
    institutionKey: 'sc-linee',
    kind: 'POLICY_DOCUMENT',
    title: '黔江区紧密型县域医共体统一管理办法(次中心执行文本)',
    day: 2,
    recordedBy: 'instadmin',
    review: { by: 'admin', decision: 'ACCEPTED' },
  },
  {
    institutionKey: 'sc-linee',
    kind: 'APPOINTMENT_LETTER',
    title: '关于任命区域医疗卫生次中心负责人的通知',
    day: 4,
    recordedBy: 'instadmin',
    review: { by: 'admin', decision: 'ACCEPTED' },
  },
  {
    institutionKey: 'sc-linee',
    kind: 'LEDGER_STATEMENT',
    title: '次中心上季度财务报表',
    day: 9,
    recordedBy: 'instadmin',
    review: {
      by: 'admin',
      decision: 'REJECTED',
      reason: '非总院集中核算的合并报表,且未盖财务章 (not the consolidated statement, and unsealed)',
    },
  },
  {
    institutionKey: 'sc-linee',
    kind: 'LEDGER_STATEMENT',
    title: '次中心上季度财务报表(总院合并核算,重新报送)',
    day: 12,
    recordedBy: 'instadmin',
  },
  {
    institutionKey: 'qj-central',
    kind: 'COMMITTEE_MINUTES',
    title: '医共体管理委员会第三次全体会议纪要',
    day: 14,
    recordedBy: 'admin',
  },
  {
    institutionKey: 'qj-central',
    kind: 'MUTUAL_RECOGNITION',
    title: '医共体检查检验结果互认项目清单',
    day: 20,
    recordedBy: 'admin',
  },
];

/** Idempotent: a record is keyed by its institution, kind and title. */
export async function seedUnificationEvidence(
  em: EntityManager,
  tenantId: string,
  timeZone: string,
  instIds: Map<string, string>,
): Promise<number> {
  const users = new Map<string, string>(
    (
      (await em.query(`SELECT username, id FROM app_user WHERE tenant_id = $1`, [tenantId])) as {
        username: string;
        id: string;
      }[]
    ).map((u) => [u.username, u.id]),
  );
  let added = 0;
  for (const e of DEMO_EVIDENCE) {
    const rows = await em.query(
      `INSERT INTO unification_evidence (tenant_id, institution_id, evidence_kind, title, document_date, sha256,
         location, recorded_by, recorded_at, status, reviewed_by, reviewed_at, review_reason)
       SELECT $1, $2, $3, $4, d.day, $5, $6, $7, (d.day + time '09:30') AT TIME ZONE $8, $9, $10,
              CASE WHEN $10::uuid IS NOT NULL THEN (d.day + time '16:00') AT TIME ZONE $8 END, $11
         FROM (SELECT (date_trunc('month', (now() AT TIME ZONE $8)::date) - interval '1 month')::date + $12::int AS day) d
        WHERE NOT EXISTS (SELECT 1 FROM unification_evidence
                           WHERE tenant_id = $1 AND institution_id = $2 AND evidence_kind = $3 AND title = $4)
       RETURNING id`,
      [
        tenantId,
        instIds.get(e.institutionKey),
        e.kind,
        e.title,
        createHash('sha256').update(e.title).digest('hex'),
        `oa://黔江医共体/七统一/${e.kind.toLowerCase()}/${e.title}.pdf`,
        users.get(e.recordedBy),
        timeZone,
        e.review?.decision ?? 'PENDING',
        e.review ? users.get(e.review.by) : null,
        e.review?.reason ?? null,
        e.day,
      ],
    );
    added += rows.length;
  }
  return added;
}
