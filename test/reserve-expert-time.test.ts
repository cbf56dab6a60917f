import { randomBytes } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { registerPatient } from './utils/referrals';

/**
 * reserve_expert_time (the booking decision, defined by the consultations migrations) called
 * straight in Postgres: it books `during` for every expert unless one has an active booking
 * overlapping the range to keep free, all or none, and experts booked in opposite orders by
 * concurrent transactions queue instead of deadlocking.
 */

const range = (fromMin: number, toMin: number) => {
  const base = Date.UTC(2030, 0, 7, 1, 0);
  return `[${new Date(base + fromMin * 60_000).toISOString()},${new Date(base + toMin * 60_000).toISOString()})`;
};

describe('reserve_expert_time', () => {
  let db: TestDb;
  let t: TenantFixture;
  let api: TestApi;
  let patientId: string;
  const experts: string[] = [];

  async function consultation(ds: DataSource): Promise<string> {
    const [c] = await ds.query(
      `INSERT INTO consultation (tenant_id, number, kind, state, urgency, patient_id, requesting_institution_id,
                                 requesting_user_id, purpose, case_summary, question)
       VALUES ($1, $2, 'MDT', 'REQUESTED', 'ROUTINE', $3, $4, $5, 'p', 's', 'q') RETURNING id`,
      [
        t.tenantId,
        `T-${randomBytes(6).toString('hex')}`,
        patientId,
        t.inst.general,
        t.users.countyClinician.id,
      ],
    );
    return c.id;
  }

  function reserve(q: DataSource | QueryRunner, c: string, ids: string[], during: string, keepFree = during) {
    return q
      .query(`SELECT reserve_expert_time($1, $2, $3::uuid[], $4::tstzrange, $5::tstzrange) AS busy`, [
        t.tenantId,
        c,
        ids,
        during,
        keepFree,
      ])
      .then((rows: { busy: string | null }[]) => rows[0].busy);
  }

  const active = (c: string): Promise<{ practitioner_id: string }[]> =>
    db.ds.query(`SELECT practitioner_id FROM consultation_booking WHERE consultation_id = $1 AND active`, [
      c,
    ]);

  beforeAll(async () => {
    db = await createTestDb();
    t = await buildTenant(db.ds);
    api = await TestApi.start(db.config);
    patientId = await registerPatient(api, await api.login(t.users.countyClinician.username));
    for (let i = 0; i < 3; i++) {
      const [p] = await db.ds.query(
        `INSERT INTO practitioner (tenant_id, institution_id, name, title, licence_number)
         VALUES ($1, $2, $3, 'CHIEF_PHYSICIAN', $4) RETURNING id`,
        [t.tenantId, t.inst.partner, `专家-r${i}`, `L${randomBytes(8).toString('hex')}`],
      );
      experts.push(p.id);
    }
    experts.sort();
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('books every expert when the range to keep free is clear; otherwise books none and names the first busy expert in uuid order', async () => {
    const [a, b, c] = experts;
    const first = await consultation(db.ds);
    expect(await reserve(db.ds, first, [b], range(0, 30))).toBeNull();
    expect(await active(first)).toEqual([{ practitioner_id: b }]);

    // Back to back is free when nothing more is kept free…
    const next = await consultation(db.ds);
    expect(await reserve(db.ds, next, [c, a], range(30, 60))).toBeNull();
    expect((await active(next)).map((r) => r.practitioner_id).sort()).toEqual([a, c]);

    // …and busy when the range to keep free (the buffer) reaches the booking.
    const mdt = await consultation(db.ds);
    expect(await reserve(db.ds, mdt, [c, b, a], range(60, 90), range(50, 100))).toBe(a);
    expect(await reserve(db.ds, mdt, [c, b], range(45, 75), range(45, 75))).toBe(c);
    expect(await active(mdt)).toEqual([]);
    expect(await reserve(db.ds, mdt, [c, b, a], range(60, 90))).toBeNull();
    expect(await active(mdt)).toHaveLength(3);
  });

  it('queues MDT bookings that take the same experts in opposite orders: no deadlock, one winner', async () => {
    const [a, b, c] = experts;
    const [x, y] = [await consultation(db.ds), await consultation(db.ds)];
    const [rx, ry] = [db.ds.createQueryRunner(), db.ds.createQueryRunner()];
    try {
      await rx.startTransaction();
      await ry.startTransaction();
      expect(await reserve(rx, x, [a, b, c], range(600, 630))).toBeNull();
      // y waits for x's locks (taken in uuid order whatever the order given)…
      const second = reserve(ry, y, [c, b, a], range(600, 630));
      await new Promise((r) => setTimeout(r, 300));
      await rx.commitTransaction();
      // …and then sees x's bookings.
      expect(await second).toBe(a);
      await ry.rollbackTransaction();
    } finally {
      await rx.release();
      await ry.release();
    }
    expect(await active(x)).toHaveLength(3);
    expect(await active(y)).toEqual([]);
  });
});
