import { spawn } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Logger } from '@nestjs/common';
import { FieldCipher } from '@yg/patients/domain/field-crypto';
import { reencryptPatients } from '@yg/patients/reencrypt';
import { createTestDb, TestDb } from './utils/test-db';
import { testConfig } from './utils/config';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { errorCode, GqlResult, TestApi } from './utils/api';
import { configEnv } from './utils/worker';
import { randomResidentId } from './utils/referrals';

/**
 * Patient identifiers at rest: tokens bound to their row and column, keys rotated with the
 * `patients:reencrypt` command, and a ciphertext moved between patients refused on read.
 */

const K1 = Buffer.alloc(32, 11);
const K2 = Buffer.alloc(32, 12);
const K3 = Buffer.alloc(32, 13);
const LOOKUP = Buffer.alloc(32, 14).toString('base64');
const b64 = (k: Buffer) => k.toString('base64');

const REGISTER = `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`;
const READ = `query($id: ID!) { patient(id: $id) { id idNumber phone masked } }`;

/** A token of the first format (`k1.iv.ct.tag`, only the key id authenticated), made independently. */
function legacyToken(plain: string, key = K1, keyId = 'k1'): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
  c.setAAD(Buffer.from(keyId, 'utf8'));
  const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [
    keyId,
    iv.toString('base64url'),
    ct.toString('base64url'),
    c.getAuthTag().toString('base64url'),
  ].join('.');
}

/** Runs the CLI (TypeScript through swc) with the suite's database and the given keys. */
function cli(
  db: TestDb,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/cli/src/main.ts', ...args], {
    cwd: resolve(__dirname, '..'),
    env: configEnv(db.config, {
      PATIENT_LOOKUP_KEY: LOOKUP,
      PATIENT_DATA_KEY: '',
      PATIENT_DATA_KEYS: '',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code: code ?? -1, out })));
}

describe('patient field encryption: binding, key rotation, re-encryption', () => {
  let db: TestDb;
  let t: TenantFixture;
  const people: { id: string; idNumber: string; phone: string | null }[] = [];

  beforeAll(async () => {
    db = await createTestDb({ PATIENT_DATA_KEY: b64(K1), PATIENT_LOOKUP_KEY: LOOKUP });
    t = await buildTenant(db.ds);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** The api under a given key configuration, on the suite's database. */
  async function withApi<T>(env: Record<string, string>, fn: (api: TestApi, token: string) => Promise<T>) {
    const config = testConfig({
      DB_NAME: db.name,
      QUEUE_PREFIX: db.config.queuePrefix,
      PATIENT_LOOKUP_KEY: LOOKUP,
      ...env,
    });
    const api = await TestApi.start(config);
    try {
      return await fn(api, await api.login(t.users.villageClinician.username));
    } finally {
      await api.close();
    }
  }

  function ok(res: GqlResult) {
    expect(res.errors).toBeUndefined();
    return res.data!;
  }

  async function tokens(): Promise<{ id: string; id_number_enc: string; phone_enc: string | null }[]> {
    return db.ds.query(`SELECT id, id_number_enc, phone_enc FROM patient ORDER BY id`);
  }

  async function expectAllRead(api: TestApi, token: string) {
    for (const p of people) {
      expect(ok(await api.gql(READ, { id: p.id }, token)).patient).toEqual({
        id: p.id,
        idNumber: p.idNumber,
        phone: p.phone,
        masked: false,
      });
    }
  }

  it('writes current tokens under k1 and still reads rows of the first format (no binding)', async () => {
    await withApi({ PATIENT_DATA_KEY: b64(K1) }, async (api, token) => {
      for (let i = 0; i < 7; i++) {
        const idNumber = randomResidentId();
        const phone = i === 3 ? null : `1390000${String(1000 + i)}`;
        const res = await api.gql(
          REGISTER,
          {
            i: { name: `加密${i}`, idNumber, phone, residenceDivisionCode: '500114', chronicConditions: [] },
          },
          token,
        );
        people.push({ id: ok(res).registerPatient.id, idNumber, phone });
      }
      for (const row of await tokens()) {
        expect(row.id_number_enc).toMatch(/^v2\.k1\./);
      }
      // Rows an earlier version wrote: the first format, only the key id authenticated.
      for (const p of people.slice(0, 3)) {
        await db.ds.query(`UPDATE patient SET id_number_enc = $2, phone_enc = $3 WHERE id = $1`, [
          p.id,
          legacyToken(p.idNumber),
          p.phone ? legacyToken(p.phone) : null,
        ]);
      }
      await expectAllRead(api, token);
    });
  });

  it('patients:reencrypt moves every row to k2 with the binding, printing progress, and changes nothing when run again', async () => {
    const rotating = {
      PATIENT_DATA_KEY: b64(K1),
      PATIENT_DATA_KEYS: `k2:${b64(K2)}`,
      PATIENT_DATA_KEY_ID: 'k2',
    };
    const first = await cli(db, ['patients:reencrypt', '--batch', '3'], rotating);
    expect(first.out).toContain('re-encrypting patient fields under key k2');
    expect(first.out).toMatch(/^3\/7 rows, 3 rewritten, 0 unreadable \(last [0-9a-f-]{36}\)$/m);
    expect(first.out).toMatch(/^6\/7 rows, 6 rewritten/m);
    expect(first.out).toContain('done: 7/7 rows, 7 rewritten, 0 unreadable');
    expect(first.code).toBe(0);
    for (const row of await tokens()) {
      expect(row.id_number_enc).toMatch(/^v2\.k2\.[\w-]+\.[\w-]+\.[\w-]+$/);
      if (row.phone_enc !== null) expect(row.phone_enc).toMatch(/^v2\.k2\./);
    }
    expect((await tokens()).filter((r) => r.phone_enc === null)).toHaveLength(1);

    const before = await tokens();
    const again = await cli(db, ['patients:reencrypt'], rotating);
    expect(again.out).toContain('done: 7/7 rows, 0 rewritten, 0 unreadable');
    expect(again.code).toBe(0);
    expect(await tokens()).toEqual(before);
  });

  it('refuses bad arguments with the usage', async () => {
    const res = await cli(db, ['patients:reencrypt', '--batch', 'many'], {
      PATIENT_DATA_KEYS: `k2:${b64(K2)}`,
    });
    expect(res.code).toBe(1);
    expect(res.out).toContain('usage:');
  });

  it('reads everything with k1 removed from the configuration; new rows are written under k2', async () => {
    await withApi({ PATIENT_DATA_KEYS: `k2:${b64(K2)}` }, async (api, token) => {
      await expectAllRead(api, token);
      // The look-up key did not change: a known ID number is still found.
      const dup = await api.gql(
        REGISTER,
        {
          i: {
            name: '重复',
            idNumber: people[0].idNumber,
            residenceDivisionCode: '500114',
            chronicConditions: [],
          },
        },
        token,
      );
      expect(errorCode(dup)).toBe('CONFLICT');
      expect(dup.errors![0].extensions!.existingPatientId).toBe(people[0].id);
      const idNumber = randomResidentId();
      const res = await api.gql(
        REGISTER,
        {
          i: {
            name: '新患者',
            idNumber,
            phone: '13700001234',
            residenceDivisionCode: '500114',
            chronicConditions: [],
          },
        },
        token,
      );
      const fresh = { id: ok(res).registerPatient.id, idNumber, phone: '13700001234' };
      people.push(fresh);
      const [row] = await db.ds.query(`SELECT id_number_enc, phone_enc FROM patient WHERE id = $1`, [
        fresh.id,
      ]);
      expect([row.id_number_enc.slice(0, 6), row.phone_enc.slice(0, 6)]).toEqual(['v2.k2.', 'v2.k2.']);
      await expectAllRead(api, token);
    });
  });

  describe('a ciphertext moved to another patient', () => {
    let a: (typeof people)[number];
    let b: (typeof people)[number];
    let original: { id_number_enc: string; phone_enc: string | null }[];
    beforeAll(async () => {
      [a, b] = [people[1], people[4]];
      original = await db.ds.query(
        `SELECT id_number_enc, phone_enc FROM patient WHERE id = ANY($1) ORDER BY id`,
        [[a.id, b.id]],
      );
      // What someone with write access to the table could do: swap two patients' ID numbers.
      await db.ds.query(
        `UPDATE patient p SET id_number_enc = q.id_number_enc FROM patient q
          WHERE (p.id, q.id) IN (($1::uuid, $2::uuid), ($2::uuid, $1::uuid))`,
        [a.id, b.id],
      );
    });
    afterAll(async () => {
      const ids = [a.id, b.id].sort();
      for (let i = 0; i < 2; i++) {
        await db.ds.query(`UPDATE patient SET id_number_enc = $2, phone_enc = $3 WHERE id = $1`, [
          ids[i],
          original[i].id_number_enc,
          original[i].phone_enc,
        ]);
      }
    });

    it('answers DATA_INTEGRITY (never the other patient’s number), logs the patient and audits the failed read', async () => {
      const logged = jest.spyOn(Logger.prototype, 'error');
      try {
        await withApi({ PATIENT_DATA_KEYS: `k2:${b64(K2)}` }, async (api, token) => {
          const res = await api.gql(READ, { id: a.id }, token);
          expect(errorCode(res)).toBe('DATA_INTEGRITY');
          expect(res.data).toBeNull();
          expect(res.errors![0].message).toMatch(/校验失败.*integrity check/);
          expect(res.errors![0].extensions!.patientId).toBe(a.id);
          const text = JSON.stringify(res);
          expect(text).not.toContain(b.idNumber);
          expect(text).not.toContain(a.idNumber);
          // The masked view does not decrypt, so other roles still see the record.
          const auditor = await api.login(t.users.auditor.username);
          expect(ok(await api.gql(READ, { id: a.id }, auditor)).patient.masked).toBe(true);
        });
        const lines = logged.mock.calls.map((c) => String(c[0]));
        expect(
          lines.some((l) => l.includes(a.id) && l.includes('id_number_enc') && l.includes('AUTHENTICATION')),
        ).toBe(true);
      } finally {
        logged.mockRestore();
      }
      const events = await db.ds.query(
        `SELECT action, outcome, error_code FROM audit_event WHERE entity_id = $1 AND outcome <> 'SUCCESS'`,
        [a.id],
      );
      expect(events).toEqual([
        { action: 'patient.read.unmasked', outcome: 'FAILURE', error_code: 'DATA_INTEGRITY' },
      ]);
    });

    it('is reported by the re-encryption walk, which leaves both rows untouched', async () => {
      const before = await tokens();
      const cipher = new FieldCipher({
        dataKeys: { k2: K2 },
        writeKeyId: 'k2',
        lookupKey: Buffer.from(LOOKUP, 'base64'),
      });
      const r = await reencryptPatients(db.ds, cipher, { batchSize: 2 });
      expect([r.done, r.total, r.rewritten, r.unreadable]).toEqual([8, 8, 0, 2]);
      expect(r.failures.map((f) => [f.patientId, f.column, f.reason]).sort()).toEqual(
        [
          [a.id, 'id_number_enc', 'AUTHENTICATION'],
          [b.id, 'id_number_enc', 'AUTHENTICATION'],
        ].sort(),
      );
      expect(await tokens()).toEqual(before);
      const res = await cli(db, ['patients:reencrypt'], { PATIENT_DATA_KEYS: `k2:${b64(K2)}` });
      expect(res.code).toBe(1);
      expect(res.out).toContain(`unreadable: patient ${a.id} id_number_enc (AUTHENTICATION)`);
      expect(res.out).toContain('2 patient row(s) could not be read');
    });
  });

  it('resumes after a crash between batches, rewriting only what is left', async () => {
    const cipher = new FieldCipher({
      dataKeys: { k3: K3, k2: K2 },
      writeKeyId: 'k3',
      lookupKey: Buffer.from(LOOKUP, 'base64'),
    });
    const crash = reencryptPatients(db.ds, cipher, {
      batchSize: 3,
      onBatch: () => {
        throw new Error('killed');
      },
    });
    await expect(crash).rejects.toThrow('killed');
    const underK3 = (await tokens()).filter((r) => r.id_number_enc.startsWith('v2.k3.'));
    expect(underK3).toHaveLength(3);
    const seen: number[] = [];
    const rest = await reencryptPatients(db.ds, cipher, {
      batchSize: 3,
      onBatch: (p) => void seen.push(p.done),
    });
    expect([rest.done, rest.total, rest.rewritten, rest.unreadable]).toEqual([8, 8, 5, 0]);
    expect(seen).toEqual([3, 6, 8]);
    // Resuming after a given id starts the count there.
    const tail = await reencryptPatients(db.ds, cipher, { after: underK3[2].id });
    expect([tail.done, tail.rewritten]).toEqual([8, 0]);
    const k3Only = new FieldCipher({
      dataKeys: { k3: K3 },
      writeKeyId: 'k3',
      lookupKey: Buffer.from(LOOKUP, 'base64'),
    });
    expect((await reencryptPatients(db.ds, k3Only)).unreadable).toBe(0);
  });
});
