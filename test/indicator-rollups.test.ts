import { randomUUID } from 'node:crypto';
import { ReferralFact, ReferralReads } from '@yg/referrals/referral-reads.service';
import { ReferralFactFolder } from '@yg/referrals/referral-fact-folder.service';
import { ConsultationFact, ConsultationReads } from '@yg/consultations/consultation-reads.service';
import { ContinuityRateService } from '@yg/drugs/continuity/continuity-rate.service';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';

/**
 * The monthly rollups behind the referral, consultation and medication-continuity measures:
 * kept in the same transaction as the writes (referrals as deltas folded later), so late records, state changes and corrections
 * move the figure of the month they belong to (the consortium's calendar month, Asia/Shanghai).
 * Rows are written as the services write them (plain SQL here: the triggers see every writer).
 */
describe('indicator rollups follow late and corrected data', () => {
  let db: TestDb;
  let t: TenantFixture;
  let patient: string;
  const referrals = new ReferralReads();
  let folder: ReferralFactFolder;
  const consultations = new ConsultationReads();
  // counts() reads through the referrals' read model only.
  const continuity = new ContinuityRateService(undefined as never, undefined as never, referrals);

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    folder = new ReferralFactFolder(db.ds);
    [{ id: patient }] = await db.ds.query(
      `INSERT INTO patient (tenant_id, name, sex, birth_date, id_number_enc, id_number_hash, id_number_masked,
          residence_division_code, registered_by_institution_id, registered_by_user_id)
       VALUES ($1, '汇总患者', 'FEMALE', '1960-01-01', 'x', $2, '5001**********0000', '500114', $3, $4) RETURNING id`,
      [t.tenantId, randomUUID(), t.inst.village, t.users.villageClinician.id],
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  const referral = async (o: { direction: string; from: string; to: string; submittedAt: string }) => {
    const [{ id }] = await db.ds.query(
      `INSERT INTO referral (tenant_id, number, direction, state, urgency, urgency_rank, patient_id,
          from_institution_id, from_user_id, contact_phone, to_institution_id, diagnosis_code, diagnosis_name,
          purpose, clinical_summary, insurance_type, response_due_at, due_at, content_hash, submitted_at)
       VALUES ($1, $2, $3, 'SUBMITTED', 'ROUTINE', 2, $4, $5, $6, '13800000000', $7, 'I10', '原发性高血压',
          '进一步诊治', '血压控制不佳', '城乡居民医保', $8::timestamptz + interval '24 hours',
          $8::timestamptz + interval '3 days', 'h', $8) RETURNING id`,
      [
        t.tenantId,
        `R-${randomUUID().slice(0, 8)}`,
        o.direction,
        patient,
        o.from,
        t.users.villageClinician.id,
        o.to,
        o.submittedAt,
      ],
    );
    return id as string;
  };
  const refCounts = async (from: string, to: string) => {
    const rows = await referrals.factCounts(
      db.ds.manager,
      t.tenantId,
      Object.values(ReferralFact),
      null,
      from,
      to,
    );
    return Object.fromEntries(rows.map((r) => [`${r.month} ${r.fact} ${name(r.institutionId)}`, r.count]));
  };
  const name = (id: string) => Object.entries(t.inst).find(([, v]) => v === id)?.[0] ?? id;

  it('a referral counts in its submission month, and its answer, correction or cancellation moves the figure', async () => {
    const { general: G, village: V } = t.inst;
    // 00:30 on 1 April in Shanghai is still 31 March in UTC.
    const up = await referral({ direction: 'UP', from: V, to: G, submittedAt: '2026-03-31T16:30:00Z' });
    const down = await referral({ direction: 'DOWN', from: G, to: V, submittedAt: '2026-03-10T02:00:00Z' });
    expect(await refCounts('2026-03', '2026-04')).toEqual({
      '2026-03 SUBMITTED_DOWN general': 1,
      '2026-03 RECEIVED village': 1,
      '2026-04 SUBMITTED_UP village': 1,
      '2026-04 RECEIVED general': 1,
    });

    // Accepted within its deadline …
    await db.ds.query(
      `UPDATE referral SET state = 'ACCEPTED', answered_at = submitted_at + interval '1 hour',
              appointment_at = submitted_at + interval '2 days' WHERE id = $1`,
      [up],
    );
    // … then corrected to a rejection; the unanswered down-referral is withdrawn.
    const april = await refCounts('2026-04', '2026-04');
    expect(april).toMatchObject({
      '2026-04 ACCEPTED general': 1,
      '2026-04 RESPONDED_IN_DEADLINE general': 1,
    });
    await db.ds.query(
      `UPDATE referral SET state = 'REJECTED', appointment_at = NULL, reject_code = 'NO_BED', reject_reason = '床位已满'
        WHERE id = $1`,
      [up],
    );
    await db.ds.query(`UPDATE referral SET state = 'CANCELLED', cancel_reason = '患者放弃' WHERE id = $1`, [
      down,
    ]);
    expect(await refCounts('2026-03', '2026-04')).toEqual({
      '2026-03 SUBMITTED_DOWN general': 1,
      '2026-04 SUBMITTED_UP village': 1,
      '2026-04 RECEIVED general': 1,
      '2026-04 RESPONDED general': 1,
      '2026-04 RESPONDED_IN_DEADLINE general': 1,
    });

    // A late record for January, its submission time corrected to February, then removed.
    const late = await referral({
      direction: 'UP',
      from: t.inst.township,
      to: G,
      submittedAt: '2026-01-15T02:00:00Z',
    });
    expect(await refCounts('2026-01', '2026-02')).toEqual({
      '2026-01 SUBMITTED_UP township': 1,
      '2026-01 RECEIVED general': 1,
    });
    await db.ds.query(`UPDATE referral SET submitted_at = '2026-02-03T02:00:00Z' WHERE id = $1`, [late]);
    expect(await refCounts('2026-01', '2026-02')).toEqual({
      '2026-02 SUBMITTED_UP township': 1,
      '2026-02 RECEIVED general': 1,
    });
    await db.ds.query(`DELETE FROM referral WHERE id = $1`, [late]);
    expect(await refCounts('2026-01', '2026-02')).toEqual({});
  });

  it('adds up answers given in parallel transactions', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(
        await referral({
          direction: 'UP',
          from: t.inst.village,
          to: t.inst.general,
          submittedAt: '2026-05-10T02:00:00Z',
        }),
      );
    }
    await Promise.all(
      ids.map((id) =>
        db.ds.transaction(async (em) => {
          await em.query(`SELECT pg_sleep(0.05)`);
          await em.query(
            `UPDATE referral SET state = 'ACCEPTED', answered_at = submitted_at + interval '30 hours',
                    appointment_at = submitted_at + interval '2 days' WHERE id = $1`,
            [id],
          );
        }),
      ),
    );
    expect(await refCounts('2026-05', '2026-05')).toEqual({
      '2026-05 SUBMITTED_UP village': 12,
      '2026-05 RECEIVED general': 12,
      '2026-05 RESPONDED general': 12,
      // answered 30 h after submission: past the 24 h deadline
      '2026-05 ACCEPTED general': 12,
    });
    // Folded, the rollup alone holds what a recount of the referrals gives, and the figures stay.
    const before = await refCounts('2026-03', '2026-05');
    const [{ n: pending }] = await db.ds.query(`SELECT count(*)::int AS n FROM referral_fact_delta`);
    expect(pending).toBeGreaterThan(0);
    expect(await folder.fold()).toBe(pending);
    expect(await db.ds.query(`SELECT 1 FROM referral_fact_delta`)).toEqual([]);
    expect(await refCounts('2026-03', '2026-05')).toEqual(before);
    const [diff] = await db.ds.query(
      `SELECT count(*)::int AS n FROM (
         (SELECT month, institution_id, fact, count FROM referral_fact_rollup WHERE tenant_id = $1 AND count <> 0
          EXCEPT
          SELECT date_trunc('month', r.submitted_at AT TIME ZONE 'Asia/Shanghai')::date, f.institution_id, f.fact,
                 count(*)::int
            FROM referral r CROSS JOIN LATERAL referral_facts(r.direction, r.state, r.answered_at,
                   r.response_due_at, r.from_institution_id, r.to_institution_id) f
           WHERE r.tenant_id = $1 AND r.submitted_at IS NOT NULL GROUP BY 1, 2, 3)) x`,
      [t.tenantId],
    );
    expect(diff.n).toBe(0);
  });

  it("lets two writers count the same institution's month at once: neither waits for the other's commit", async () => {
    const { general: G, village: V } = t.inst;
    const first = db.ds.createQueryRunner();
    const second = db.ds.createQueryRunner();
    try {
      await first.startTransaction();
      await first.query(
        `UPDATE referral SET state = 'REJECTED', reject_code = 'NO_BED', reject_reason = '床位已满', answered_at = submitted_at + interval '1 hour'
          WHERE id = $1`,
        [await referral({ direction: 'UP', from: V, to: G, submittedAt: '2026-07-02T02:00:00Z' })],
      );
      const other = await referral({ direction: 'UP', from: V, to: G, submittedAt: '2026-07-03T02:00:00Z' });
      await second.startTransaction();
      // Updating the general hospital's July row in place, this would wait for the first commit.
      await second.query(`SET LOCAL lock_timeout = '2s'`);
      await second.query(
        `UPDATE referral SET state = 'ACCEPTED', answered_at = submitted_at + interval '1 hour',
                appointment_at = submitted_at + interval '2 days' WHERE id = $1`,
        [other],
      );
      await second.commitTransaction();
      await first.commitTransaction();
    } finally {
      if (first.isTransactionActive) await first.rollbackTransaction();
      if (second.isTransactionActive) await second.rollbackTransaction();
      await first.release();
      await second.release();
    }
    expect(await refCounts('2026-07', '2026-07')).toEqual({
      '2026-07 SUBMITTED_UP village': 2,
      '2026-07 RECEIVED general': 2,
      '2026-07 RESPONDED general': 2,
      '2026-07 RESPONDED_IN_DEADLINE general': 2,
      '2026-07 ACCEPTED general': 1,
    });
    await folder.fold();
    expect(await refCounts('2026-07', '2026-07')).toEqual({
      '2026-07 SUBMITTED_UP village': 2,
      '2026-07 RECEIVED general': 2,
      '2026-07 RESPONDED general': 2,
      '2026-07 RESPONDED_IN_DEADLINE general': 2,
      '2026-07 ACCEPTED general': 1,
    });
  });

  it('a consultation counts at creation, booking and report, and a report or a new deadline moves the figure', async () => {
    const consultation = async (kind: string, createdAt: string) => {
      const [{ id }] = await db.ds.query(
        `INSERT INTO consultation (tenant_id, number, kind, state, urgency, patient_id, requesting_institution_id,
            requesting_user_id, purpose, case_summary, question, created_at, updated_at)
         VALUES ($1, $2, $3, 'REQUESTED', 'ROUTINE', $4, $5, $6, '明确诊断', '病情摘要', '请会诊', $7, $7) RETURNING id`,
        [
          t.tenantId,
          `C-${randomUUID().slice(0, 8)}`,
          kind,
          patient,
          t.inst.general,
          t.users.countyClinician.id,
          createdAt,
        ],
      );
      return id as string;
    };
    const book = (id: string, start: string, dueAt: string) =>
      db.ds.query(
        `UPDATE consultation SET state = 'SCHEDULED', scheduled_start = $2, scheduled_end = $2::timestamptz + interval '30 minutes',
                consent = '{"signed":true}', mode = 'REMOTE', report_due_at = $3 WHERE id = $1`,
        [id, start, dueAt],
      );
    const counts = async () => {
      const queries = [
        { fact: ConsultationFact.REQUESTED },
        { fact: ConsultationFact.TAKEN_ON, kind: 'VIDEO' as never },
        { fact: ConsultationFact.COMPLETED },
        { fact: ConsultationFact.BOOKED },
        { fact: ConsultationFact.NO_SHOW },
        { fact: ConsultationFact.FIRST_REPORT },
        { fact: ConsultationFact.FIRST_REPORT_ON_TIME },
      ];
      const rows = await consultations.factCounts(
        db.ds.manager,
        t.tenantId,
        queries,
        null,
        '2026-03',
        '2026-05',
      );
      return Object.fromEntries(
        rows.map((r) => [
          `${r.month} ${r.fact}${r.kind ? `/${r.kind}` : ''} ${name(r.institutionId)}`,
          r.count,
        ]),
      );
    };

    const video = await consultation('VIDEO', '2026-03-31T16:30:00Z'); // 1 April in Shanghai
    const ecg = await consultation('ECG_READ', '2026-03-05T02:00:00Z');
    await db.ds.query(
      `UPDATE consultation SET state = 'DECLINED', decline_reason = '专家不在岗' WHERE id = $1`,
      [ecg],
    );
    await book(video, '2026-04-02T02:00:00Z', '2026-04-03T02:00:00Z');
    expect(await counts()).toEqual({
      '2026-03 REQUESTED general': 1,
      '2026-04 REQUESTED general': 1,
      '2026-04 TAKEN_ON/VIDEO general': 1,
      '2026-04 BOOKED general': 1,
    });

    // The report, signed late on 1 May (Shanghai), then the consultation moves to REPORTED.
    await db.ds.query(
      `INSERT INTO consultation_report (tenant_id, consultation_id, version, author_practitioner_id, author_user_id,
          opinion, recommendations, signed_at, content_hash)
       VALUES ($1, $2, 1, $3, $4, '考虑原发性高血压', '调整用药', '2026-04-30T17:00:00Z', 'h')`,
      [t.tenantId, video, t.practitioner.expert, t.users.expert.id],
    );
    expect(await counts()).toMatchObject({ '2026-05 FIRST_REPORT general': 1 });
    expect(await counts()).not.toHaveProperty(['2026-05 FIRST_REPORT_ON_TIME general']);
    await db.ds.query(`UPDATE consultation SET state = 'REPORTED' WHERE id = $1`, [video]);
    // The deadline corrected to after the signing: now on time.
    await db.ds.query(`UPDATE consultation SET report_due_at = '2026-05-02T02:00:00Z' WHERE id = $1`, [
      video,
    ]);
    const missed = await consultation('VIDEO', '2026-04-20T02:00:00Z');
    await book(missed, '2026-05-06T02:00:00Z', '2026-05-07T02:00:00Z');
    await db.ds.query(`UPDATE consultation SET state = 'NO_SHOW' WHERE id = $1`, [missed]);
    expect(await counts()).toEqual({
      '2026-03 REQUESTED general': 1,
      '2026-04 REQUESTED general': 2,
      '2026-04 TAKEN_ON/VIDEO general': 2,
      '2026-04 COMPLETED general': 1,
      '2026-04 BOOKED general': 1,
      '2026-05 BOOKED general': 1,
      '2026-05 NO_SHOW general': 1,
      '2026-05 FIRST_REPORT general': 1,
      '2026-05 FIRST_REPORT_ON_TIME general': 1,
    });
  });

  it('a continuity check counts its items in the submission month, and a corrected check moves them', async () => {
    const down = await referral({
      direction: 'DOWN',
      from: t.inst.general,
      to: t.inst.village,
      submittedAt: '2026-06-30T16:30:00Z', // 1 July in Shanghai
    });
    const items: string[] = [];
    for (const [position, drug] of ['氨氯地平片 5mg', '二甲双胍片 0.5g', '自拟降压汤'].entries()) {
      const [{ id }] = await db.ds.query(
        `INSERT INTO medication_plan_item (tenant_id, referral_id, position, drug_text) VALUES ($1, $2, $3, $4) RETURNING id`,
        [t.tenantId, down, position, drug],
      );
      items.push(id);
    }
    const rate = async (from: string, to: string) =>
      (await continuity.counts(db.ds.manager, t.tenantId, from, to, null)).map(
        (c) => `${c.month} ${name(c.institutionId)} ${c.counted}/${c.items}`,
      );
    expect(await rate('2026-06', '2026-07')).toEqual([]);
    await db.ds.transaction(async (em) => {
      const [{ id: check }] = await em.query(
        `INSERT INTO medication_continuity_check (tenant_id, referral_id, receiving_institution_id, trigger,
            referral_submitted_at, checked_at, items_total, available, substitute, unknown)
         VALUES ($1, $2, $3, 'SUBMISSION', '2026-06-30T16:30:00Z', now(), 3, 1, 1, 1) RETURNING id`,
        [t.tenantId, down, t.inst.village],
      );
      await em.query(
        `INSERT INTO medication_continuity_result (check_id, plan_item_id, tenant_id, outcome)
         SELECT $1, i, $2, o FROM unnest($3::uuid[], ARRAY['AVAILABLE','SUBSTITUTE','UNKNOWN']) x(i, o)`,
        [check, t.tenantId, items],
      );
    });
    expect(await rate('2026-06', '2026-07')).toEqual(['2026-07 village 2/3']);
    // Re-checks later do not count; the submission check, corrected to June, moves its items.
    await db.ds.query(
      `UPDATE medication_continuity_check SET referral_submitted_at = '2026-06-20T02:00:00Z' WHERE referral_id = $1`,
      [down],
    );
    expect(await rate('2026-06', '2026-07')).toEqual(['2026-06 village 2/3']);
  });
});
