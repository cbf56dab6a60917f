import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue, QueueEvents, RedisOptions as BullRedisOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  auditChain,
  AuditChainService,
  AuditCheckpointService,
  AuditService,
  CHAIN_KEYED_ACTION,
  DirectoryCheckpointStore,
  GENESIS_HASH,
  legacyLinkHash,
  linkHash,
  parseCheckpointLine,
  SealableEvent,
  SEALABLE_COLUMNS,
} from '@yg/audit';
import {
  AppConfig,
  Clock,
  DatabaseRoleCheck,
  dataSourceOptions,
  JOBS,
  ownerConfig,
  QUEUES,
  redisOptions,
} from '@yg/core';
import { MIGRATIONS } from '@yg/schema';
import { dropDatabase, ensureDatabase } from '@yg/schema/migrate';
import { migrate } from '../apps/cli/src/migrate';
import { createWorker } from '../apps/worker/src/bootstrap';
import { createTestDb, TestDb } from './utils/test-db';
import { buildTenant, TenantFixture } from './utils/fixtures';
import { TestApi } from './utils/api';
import { TEST_APP_ROLE, testConfig } from './utils/config';
import { configEnv } from './utils/worker';

const VERIFY = `{ verifyAuditChain { ok checked unsealed brokenAtSeq brokenEventId reason } }`;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The auditor's command, as its own process. */
function runCli(config: AppConfig, args: string[], extra: Record<string, string> = {}): Promise<CliRun> {
  const root = resolve(__dirname, '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/cli/src/main.ts', ...args], {
    cwd: root,
    env: configEnv(config, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolveRun) => child.once('close', (code) => resolveRun({ code, stdout, stderr })));
}

jest.setTimeout(120_000);

describe('audit trail anchored outside the database', () => {
  let db: TestDb;
  let api: TestApi;
  let worker: INestApplicationContext;
  let queueEvents: QueueEvents;
  let chain: AuditChainService;
  let audit: AuditService;
  const key = () => ({
    id: db.config.audit.chainKeyId,
    secret: db.config.audit.chainKeys.get(db.config.audit.chainKeyId)!,
  });

  beforeAll(async () => {
    db = await createTestDb();
    api = await TestApi.start(db.config);
    // Periodic runs an hour out: only the runs a test starts (and seals it causes) happen.
    worker = await createWorker({
      ...db.config,
      audit: { ...db.config.audit, sealEveryMs: 3_600_000, checkpointEveryMs: 3_600_000 },
    });
    await worker.init();
    queueEvents = new QueueEvents(QUEUES.AUDIT, {
      connection: redisOptions(db.config) as BullRedisOptions,
      prefix: db.config.queuePrefix,
    });
    await queueEvents.waitUntilReady();
    chain = api.app.get(AuditChainService);
    audit = api.app.get(AuditService);
  });
  afterAll(async () => {
    await queueEvents?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  /** One run of the worker's checkpoint job, through the queue; resolves when it is done. */
  async function checkpointJob(): Promise<{ checkpoints: number }> {
    const queue = api.app.get<Queue>(getQueueToken(QUEUES.AUDIT));
    const job = await queue.add(JOBS.AUDIT_CHECKPOINT, {});
    return job.waitUntilFinished(queueEvents, 60_000);
  }

  function checkpointLines(tenantId: string): string[] {
    try {
      return readFileSync(join(db.config.audit.checkpointDir!, `${tenantId}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean);
    } catch {
      return [];
    }
  }

  /** A consortium with a few events, all sealed. */
  async function sealedTenant(events = 4): Promise<{ t: TenantFixture; auditor: string }> {
    const t = await buildTenant(db.ds);
    const auditor = await api.login(t.users.auditor.username);
    for (let i = 0; i < events; i++) {
      await audit.recordStandalone({
        action: 'test.event',
        tenantId: t.tenantId,
        actor: null,
        details: { i },
      });
    }
    await chain.sealTenant(t.tenantId);
    return { t, auditor };
  }

  async function verifyAs(token: string) {
    const res = await api.gql<{ verifyAuditChain: Record<string, unknown> }>(VERIFY, {}, token);
    expect(res.errors).toBeUndefined();
    return res.data!.verifyAuditChain;
  }

  /**
   * Rewrites every link of a tenant's chain from its events as they are now, the way someone
   * with the database (and, for `keyed`, the chain key) could; `unkeyed` marks links as
   * sealed before keys.
   */
  async function recomputeChain(tenantId: string, how: 'keyed' | 'sha256-keep-ids' | 'unkeyed') {
    await db.ds.transaction(async (em) => {
      await em.query(`ALTER TABLE audit_seal DISABLE TRIGGER USER`);
      if (how === 'unkeyed') await em.query(`ALTER TABLE audit_seal DROP CONSTRAINT audit_seal_keyed`);
      const rows: (SealableEvent & { seq: string; keyId: string | null })[] = await em.query(
        `SELECT s.seq::text AS seq, s.key_id AS "keyId", ${SEALABLE_COLUMNS}
           FROM audit_seal s JOIN audit_event e ON e.id = s.event_id
          WHERE s.tenant_id = $1 ORDER BY s.seq`,
        [tenantId],
      );
      let prev = GENESIS_HASH;
      for (const r of rows) {
        const hash = how === 'keyed' ? linkHash(prev, r.seq, r, key()) : legacyLinkHash(prev, r);
        await em.query(
          `UPDATE audit_seal SET prev_hash = $3, hash = $4, key_id = $5 WHERE tenant_id = $1 AND seq = $2`,
          [tenantId, r.seq, prev, hash, how === 'unkeyed' ? null : r.keyId],
        );
        prev = hash;
      }
      await em.query(`ALTER TABLE audit_seal ENABLE TRIGGER USER`);
    });
  }

  /** Changes an event as an insider would: the append-only triggers switched off first. */
  async function alterEvent(eventId: string, action: string) {
    await db.ds.transaction(async (em) => {
      await em.query(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
      await em.query(`UPDATE audit_event SET action = $2 WHERE id = $1`, [eventId, action]);
      await em.query(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
    });
  }

  async function firstEventOf(tenantId: string): Promise<string> {
    const [row] = await db.ds.query(
      `SELECT event_id::text AS id FROM audit_seal WHERE tenant_id = $1 ORDER BY seq LIMIT 1`,
      [tenantId],
    );
    return row.id;
  }

  // ---------- the apps' role ----------

  describe('the apps connect as an ordinary role', () => {
    let appDs: DataSource;
    beforeAll(() => {
      appDs = api.app.get(DataSource);
    });

    it('is neither superuser nor owner, and may only add to and read the trail', async () => {
      const [me] = await appDs.query(
        `SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`,
      );
      expect(me).toEqual({ name: TEST_APP_ROLE, rolsuper: false, rolbypassrls: false });
      const privileges: { table: string; privilege: string }[] = await appDs.query(
        `SELECT t.table_name AS "table", p.privilege
           FROM (VALUES ('audit_event'), ('audit_seal'), ('audit_pending')) AS t(table_name)
          CROSS JOIN (VALUES ('SELECT'), ('INSERT'), ('UPDATE'), ('DELETE'), ('TRUNCATE'), ('TRIGGER'), ('REFERENCES')) AS p(privilege)
          WHERE has_table_privilege(current_user, t.table_name, p.privilege)
          ORDER BY 1, 2`,
      );
      expect(privileges).toEqual([
        { table: 'audit_event', privilege: 'INSERT' },
        { table: 'audit_event', privilege: 'SELECT' },
        { table: 'audit_pending', privilege: 'DELETE' },
        { table: 'audit_pending', privilege: 'INSERT' },
        { table: 'audit_pending', privilege: 'SELECT' },
        { table: 'audit_seal', privilege: 'INSERT' },
        { table: 'audit_seal', privilege: 'SELECT' },
      ]);
    });

    it.each([
      ['UPDATE audit_event', `UPDATE audit_event SET action = 'x'`],
      ['DELETE FROM audit_event', `DELETE FROM audit_event`],
      ['TRUNCATE audit_event', `TRUNCATE audit_event`],
      ['UPDATE audit_seal', `UPDATE audit_seal SET hash = 'x'`],
      ['DELETE FROM audit_seal', `DELETE FROM audit_seal`],
      ['TRUNCATE audit_seal', `TRUNCATE audit_seal`],
      ['switching off the triggers of audit_event', `ALTER TABLE audit_event DISABLE TRIGGER USER`],
      ['switching off the triggers of audit_seal', `ALTER TABLE audit_seal DISABLE TRIGGER ALL`],
      ['dropping a trigger', `DROP TRIGGER audit_event_no_update_delete ON audit_event`],
      ['dropping the keyed-link rule', `ALTER TABLE audit_seal DROP CONSTRAINT audit_seal_keyed`],
      ['skipping triggers for the session', `SET session_replication_role = replica`],
      ['creating a table', `CREATE TABLE sneaky (id int)`],
      [
        'replacing a trigger function',
        `CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      ],
    ])('refuses %s (permission denied)', async (_, sql) => {
      await sealedTenant(1);
      const before = await db.ds.query(`SELECT count(*)::int AS n, max(hash) AS h FROM audit_seal`);
      await expect(appDs.query(sql)).rejects.toThrow(/permission denied|must be owner/);
      expect(await db.ds.query(`SELECT count(*)::int AS n, max(hash) AS h FROM audit_seal`)).toEqual(before);
    });

    it('refuses to start in production as a role that can switch the rules off', async () => {
      const prod = testConfig({
        NODE_ENV: 'production',
        DB_NAME: db.name,
        QUEUE_PREFIX: db.config.queuePrefix,
        JWT_SECRET: 'p'.repeat(48),
        PATIENT_DATA_KEY: Buffer.alloc(32, 1).toString('base64'),
        PATIENT_LOOKUP_KEY: Buffer.alloc(32, 2).toString('base64'),
        AUDIT_CHAIN_KEYS: `k1:${Buffer.alloc(32, 3).toString('base64')}`,
        AUDIT_CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'der' })
          .toString('base64'),
      });
      // The check every api and worker runs at start-up (booting a whole app only to see it
      // refuse would leave its half-opened connections behind).
      expect(api.app.get(DatabaseRoleCheck)).toBeInstanceOf(DatabaseRoleCheck);
      await expect(new DatabaseRoleCheck(appDs, prod).onApplicationBootstrap()).resolves.toBeUndefined();
      await expect(new DatabaseRoleCheck(db.ds, prod).onApplicationBootstrap()).rejects.toThrow(
        /数据库账户权限过大.*is a superuser/,
      );
      // An ordinary role that owns a table could still alter it.
      await db.ds.query(`CREATE TABLE owned_by_app (id int)`);
      await db.ds.query(`ALTER TABLE owned_by_app OWNER TO ${TEST_APP_ROLE}`);
      try {
        await expect(new DatabaseRoleCheck(appDs, prod).onApplicationBootstrap()).rejects.toThrow(
          /owns the tables/,
        );
      } finally {
        await db.ds.query(`DROP TABLE owned_by_app`);
      }
      // The worker, as an ordinary role, also needs somewhere to put checkpoints and a key to sign them.
      await expect(createWorker({ ...prod, audit: { ...prod.audit, checkpointDir: null } })).rejects.toThrow(
        /AUDIT_CHECKPOINT_DIR: required in production/,
      );
      await expect(
        createWorker({ ...prod, audit: { ...prod.audit, checkpointSigner: null } }),
      ).rejects.toThrow(/AUDIT_CHECKPOINT_SIGNING_KEY: required in production/);
    });
  });

  // ---------- keyed chain ----------

  describe('keyed chain', () => {
    it('seals every link with the writing key, naming it', async () => {
      const { t, auditor } = await sealedTenant(3);
      const keys = await db.ds.query(`SELECT DISTINCT key_id FROM audit_seal WHERE tenant_id = $1`, [
        t.tenantId,
      ]);
      expect(keys).toEqual([{ key_id: db.config.audit.chainKeyId }]);
      expect(await verifyAs(auditor)).toMatchObject({ ok: true, checked: 4 });
    });

    it('fails a chain recomputed with plain SHA-256 by someone without the key, even with the key ids kept', async () => {
      const { t, auditor } = await sealedTenant(3);
      const first = await firstEventOf(t.tenantId);
      await alterEvent(first, 'test.harmless');
      await recomputeChain(t.tenantId, 'sha256-keep-ids');
      expect(await verifyAs(auditor)).toMatchObject({ ok: false, brokenAtSeq: '1', brokenEventId: first });
    });

    it('fails a chain stripped of its keys and recomputed as if sealed before keys; the sealer will not extend it', async () => {
      const { t, auditor } = await sealedTenant(3);
      await alterEvent(await firstEventOf(t.tenantId), 'test.harmless');
      await recomputeChain(t.tenantId, 'unkeyed');
      try {
        const v = await verifyAs(auditor);
        expect(v).toMatchObject({ ok: false, brokenAtSeq: '4' });
        expect(v.reason).toMatch(/no link of the chain is keyed/);
        // Extending it with a keyed link would make the stripped part look like history.
        await audit.recordStandalone({ action: 'test.after', tenantId: t.tenantId, actor: null });
        await expect(chain.sealTenant(t.tenantId)).rejects.toThrow(/unkeyed link/);
        expect((await verifyAs(auditor)).ok).toBe(false);
      } finally {
        await db.ds.query(
          `ALTER TABLE audit_seal ADD CONSTRAINT audit_seal_keyed CHECK (key_id IS NOT NULL) NOT VALID`,
        );
      }
    });

    it('fails unkeyed links after keyed ones', async () => {
      const { t, auditor } = await sealedTenant(3);
      await db.ds.transaction(async (em) => {
        await em.query(`ALTER TABLE audit_seal DISABLE TRIGGER USER`);
        await em.query(`ALTER TABLE audit_seal DROP CONSTRAINT audit_seal_keyed`);
        const rows: (SealableEvent & { seq: string; prevHash: string })[] = await em.query(
          `SELECT s.seq::text AS seq, s.prev_hash AS "prevHash", ${SEALABLE_COLUMNS}
             FROM audit_seal s JOIN audit_event e ON e.id = s.event_id
            WHERE s.tenant_id = $1 AND s.seq = 4`,
          [t.tenantId],
        );
        await em.query(`UPDATE audit_seal SET key_id = NULL, hash = $2 WHERE tenant_id = $1 AND seq = 4`, [
          t.tenantId,
          legacyLinkHash(rows[0].prevHash, rows[0]),
        ]);
        await em.query(`ALTER TABLE audit_seal ENABLE TRIGGER USER`);
        await em.query(
          `ALTER TABLE audit_seal ADD CONSTRAINT audit_seal_keyed CHECK (key_id IS NOT NULL) NOT VALID`,
        );
      });
      const v = await verifyAs(auditor);
      expect(v).toMatchObject({ ok: false, brokenAtSeq: '4' });
      expect(v.reason).toMatch(/unkeyed, after keyed links/);
    });

    it('verifies links of a retired key after rotation, and names a key that is not configured', async () => {
      const { t } = await sealedTenant(2);
      const oldId = db.config.audit.chainKeyId;
      const rotated: AppConfig = {
        ...db.config,
        audit: {
          ...db.config.audit,
          chainKeyId: 'k2',
          chainKeys: new Map([...db.config.audit.chainKeys, ['k2', Buffer.alloc(32, 42)]]),
        },
      };
      const appDs = api.app.get(DataSource);
      const next = new AuditChainService(appDs, new Clock(), rotated);
      await audit.recordStandalone({ action: 'test.rotated', tenantId: t.tenantId, actor: null });
      expect(await next.sealTenant(t.tenantId)).toBe(1);
      const ids = await db.ds.query(`SELECT key_id FROM audit_seal WHERE tenant_id = $1 ORDER BY seq`, [
        t.tenantId,
      ]);
      expect(ids.map((r: { key_id: string }) => r.key_id)).toEqual([oldId, oldId, oldId, 'k2']);
      expect(await next.verify(t.tenantId)).toMatchObject({ ok: true, checked: 4 });
      // A deployment that dropped the old key cannot vouch for its links.
      const forgetful = new AuditChainService(appDs, new Clock(), {
        ...rotated,
        audit: { ...rotated.audit, chainKeys: new Map([['k2', Buffer.alloc(32, 42)]]) },
      });
      const v = await forgetful.verify(t.tenantId);
      expect(v).toMatchObject({ ok: false, brokenAtSeq: '1' });
      expect(v.reason).toMatch(new RegExp(`key ${oldId}, which is not configured`));
    });
  });

  // ---------- checkpoints ----------

  describe('signed checkpoints outside the database', () => {
    it('writes one line per chain head however often the job runs, and the auditor’s check passes (exit 0)', async () => {
      const { t } = await sealedTenant(3);
      await checkpointJob();
      await checkpointJob();
      const first = checkpointLines(t.tenantId);
      expect(first).toHaveLength(1);
      expect(parseCheckpointLine(first[0])).toMatchObject({
        tenantId: t.tenantId,
        seq: '4',
        keyId: db.config.audit.chainKeyId,
      });
      // Concurrent writers: one writes, the other finds the head already checkpointed or busy.
      const checkpoints = worker.get(AuditCheckpointService);
      await Promise.all([checkpoints.writeTenant(t.tenantId), checkpoints.writeTenant(t.tenantId)]);
      expect(checkpointLines(t.tenantId)).toEqual(first);

      for (let i = 0; i < 2; i++) {
        await audit.recordStandalone({ action: 'test.more', tenantId: t.tenantId, actor: null });
      }
      await chain.sealTenant(t.tenantId);
      await checkpointJob();
      await checkpointJob();
      const lines = checkpointLines(t.tenantId).map(parseCheckpointLine);
      expect(lines.map((l) => l.seq)).toEqual(['4', '6']);

      const run = await runCli(db.config, [
        'audit:verify',
        '--tenant',
        t.tenantId,
        '--checkpoints',
        db.config.audit.checkpointDir!,
      ]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/chain\s+ok: 6 link\(s\) verified/);
      expect(run.stdout).toMatch(/2 line\(s\) .*, 2 confirmed; latest: link 6/);
      expect(run.stdout).toMatch(/result: OK/);
      expect(run.code).toBe(0);
    });

    it('catches a chain rewritten by a superuser holding the chain key: verifyAuditChain passes, the checkpoint does not (exit 1)', async () => {
      const { t, auditor } = await sealedTenant(5);
      await checkpointJob();
      const [signed] = checkpointLines(t.tenantId).map(parseCheckpointLine);
      expect(signed.seq).toBe('6');

      // Hide the second event, then reseal every link with the real key.
      const [, second] = await db.ds.query(
        `SELECT event_id::text AS id FROM audit_seal WHERE tenant_id = $1 ORDER BY seq LIMIT 2`,
        [t.tenantId],
      );
      await alterEvent(second.id, 'test.nothing-to-see');
      await recomputeChain(t.tenantId, 'keyed');
      // The key alone cannot tell: the rewritten chain is internally consistent.
      expect(await verifyAs(auditor)).toMatchObject({ ok: true, checked: 6 });

      const run = await runCli(db.config, [
        'audit:verify',
        '--tenant',
        t.tenantId,
        '--checkpoints',
        db.config.audit.checkpointDir!,
      ]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/chain\s+ok/);
      expect(run.stdout).toMatch(/FAILED\s+checkpoint seq 6, line 1: .*the chain was rewritten/);
      expect(run.stdout).toMatch(/result: FAILED/);

      // The writer never vouches for the rewritten chain.
      await audit.recordStandalone({ action: 'test.after', tenantId: t.tenantId, actor: null });
      await chain.sealTenant(t.tenantId);
      expect(await checkpointJob()).toEqual({ checkpoints: 0 });
      expect(checkpointLines(t.tenantId)).toHaveLength(1);
    });

    it('refuses a checkpoint line edited to match, or signed by a key it does not trust', async () => {
      const { t } = await sealedTenant(2);
      await checkpointJob();
      const file = join(db.config.audit.checkpointDir!, `${t.tenantId}.jsonl`);
      const [line] = checkpointLines(t.tenantId);
      const store = new DirectoryCheckpointStore(db.config.audit.checkpointDir!);
      const trusted = db.config.audit.checkpointTrustedKeys;
      expect(await auditChain(chain, store, t.tenantId, trusted)).toMatchObject({ ok: true, confirmed: 1 });

      const edited = { ...JSON.parse(line), hash: 'f'.repeat(64) };
      writeFileSync(file, `${line}\n${JSON.stringify(edited)}\n{"v":1,"tenantId":`);
      const report = await auditChain(chain, store, t.tenantId, trusted);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([{ line: 2, seq: '3', message: expect.stringMatching(/signature/) }]);
      // A line cut short by a crash is reported, not held against the chain.
      expect(report.warnings).toEqual([expect.stringMatching(/line 3 is incomplete/)]);

      const stranger = generateKeyPairSync('ed25519').publicKey;
      const untrusted = await auditChain(chain, store, t.tenantId, [stranger]);
      expect(untrusted.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/not trusted/),
        expect.stringMatching(/not trusted/),
        expect.stringMatching(/no checkpoint covers this chain/),
      ]);
    });

    it('fails a chain cut back below a checkpoint, and one with no checkpoint at all', async () => {
      const { t } = await sealedTenant(3);
      await checkpointJob();
      const store = new DirectoryCheckpointStore(db.config.audit.checkpointDir!);
      const trusted = db.config.audit.checkpointTrustedKeys;
      await db.ds.transaction(async (em) => {
        await em.query(`ALTER TABLE audit_seal DISABLE TRIGGER USER`);
        await em.query(`DELETE FROM audit_seal WHERE tenant_id = $1 AND seq = 4`, [t.tenantId]);
        await em.query(`ALTER TABLE audit_event DISABLE TRIGGER USER`);
        await em.query(
          `DELETE FROM audit_event WHERE tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.event_id = audit_event.id)`,
          [t.tenantId],
        );
        await em.query(`ALTER TABLE audit_seal ENABLE TRIGGER USER`);
        await em.query(`ALTER TABLE audit_event ENABLE TRIGGER USER`);
      });
      const cut = await auditChain(chain, store, t.tenantId, trusted);
      expect(cut.chain.ok).toBe(true);
      expect(cut.problems).toEqual([
        { line: 1, seq: '4', message: expect.stringMatching(/no longer in the chain; its head is 3/) },
      ]);

      const { t: fresh } = await sealedTenant(1);
      const none = await auditChain(chain, store, fresh.tenantId, trusted);
      expect(none.ok).toBe(false);
      expect(none.problems).toEqual([{ message: expect.stringMatching(/no checkpoint covers this chain/) }]);
    });

    it('answers a usage error for a missing or malformed tenant', async () => {
      const run = await runCli(db.config, ['audit:verify', '--tenant', '../etc']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/--tenant <id> must be a consortium id/);
    });
  });

  // ---------- upgrading a deployment sealed before keys ----------

  describe('a chain sealed before keys (upgrade)', () => {
    const upgradeCfg = () => ({ ...db.config, db: { ...db.config.db, name: `${db.name}_up` } });
    afterAll(async () => {
      await dropDatabase(upgradeCfg());
    });

    /** The sealer as it was: unkeyed SHA-256 links, no key id column. */
    async function sealTheOldWay(ds: DataSource, tenantId: string) {
      const pending: SealableEvent[] = await ds.query(
        `SELECT ${SEALABLE_COLUMNS} FROM audit_pending p JOIN audit_event e ON e.id = p.event_id
          WHERE p.tenant_id = $1 ORDER BY p.event_id`,
        [tenantId],
      );
      const [head] = await ds.query(
        `SELECT seq::text AS seq, hash FROM audit_seal WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1`,
        [tenantId],
      );
      let seq = head ? BigInt(head.seq) : 0n;
      let prev: string = head?.hash ?? GENESIS_HASH;
      for (const e of pending) {
        seq += 1n;
        const hash = legacyLinkHash(prev, e);
        await ds.query(
          `INSERT INTO audit_seal (tenant_id, seq, event_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5)`,
          [tenantId, seq.toString(), e.id, prev, hash],
        );
        await ds.query(`DELETE FROM audit_pending WHERE event_id = $1`, [e.id]);
        prev = hash;
      }
    }

    it('still verifies its unkeyed links once migrate has sealed a keyed link over them', async () => {
      const config = upgradeCfg();
      await dropDatabase(config);
      await ensureDatabase(config);
      // The database as the previous release left it.
      const before = MIGRATIONS.findIndex((m) => m.name === 'AppRole1764000010000');
      const old = new DataSource(
        dataSourceOptions(ownerConfig(config), { entities: [], migrations: MIGRATIONS.slice(0, before) }),
      );
      await old.initialize();
      const tenants = ['6f1d2c1e-0000-4000-8000-000000000001', '6f1d2c1e-0000-4000-8000-000000000002'];
      try {
        await old.query(`CREATE EXTENSION IF NOT EXISTS btree_gist`);
        await old.runMigrations({ transaction: 'each' });
        for (const tenantId of tenants) {
          for (let i = 0; i < 3; i++) {
            await old.query(
              `INSERT INTO audit_event (tenant_id, action, outcome) VALUES ($1, 'old.event', 'SUCCESS')`,
              [tenantId],
            );
          }
          await sealTheOldWay(old, tenantId);
        }
      } finally {
        await old.destroy();
      }

      const result = await migrate(config);
      expect(result.applied).toEqual(MIGRATIONS.slice(before).map((m) => m.name));
      expect(result.appLogin).toBe('ready');
      expect(result.anchored.sort()).toEqual(tenants);
      // Idempotent: nothing more to anchor.
      expect((await migrate(config)).anchored).toEqual([]);

      const app = new DataSource(dataSourceOptions(config, { entities: [], migrations: [] }));
      await app.initialize();
      try {
        const upgraded = new AuditChainService(app, new Clock(), config);
        for (const tenantId of tenants) {
          expect(await upgraded.verify(tenantId)).toMatchObject({ ok: true, checked: 4, unsealed: 0 });
          const links = await app.query(
            `SELECT s.key_id AS "keyId", e.action FROM audit_seal s JOIN audit_event e ON e.id = s.event_id
              WHERE s.tenant_id = $1 ORDER BY s.seq`,
            [tenantId],
          );
          expect(links).toEqual([
            { keyId: null, action: 'old.event' },
            { keyId: null, action: 'old.event' },
            { keyId: null, action: 'old.event' },
            { keyId: config.audit.chainKeyId, action: CHAIN_KEYED_ACTION },
          ]);
        }
        // The chain goes on as usual.
        await app.query(
          `INSERT INTO audit_event (tenant_id, action, outcome) VALUES ($1, 'new.event', 'SUCCESS')`,
          [tenants[0]],
        );
        expect(await upgraded.sealTenant(tenants[0])).toBe(1);
        expect(await upgraded.verify(tenants[0])).toMatchObject({ ok: true, checked: 5 });
        // A process still running the old sealer cannot add an unkeyed link any more.
        await expect(
          app.query(
            `INSERT INTO audit_seal (tenant_id, seq, event_id, prev_hash, hash)
             SELECT tenant_id, 6, id, 'x', 'y' FROM audit_event WHERE tenant_id = $1 LIMIT 1`,
            [tenants[0]],
          ),
        ).rejects.toThrow(/audit_seal_keyed/);

        // The unkeyed links are covered: altering one and recomputing them all breaks the keyed link.
        const owner = new DataSource(
          dataSourceOptions(ownerConfig(config), { entities: [], migrations: [] }),
        );
        await owner.initialize();
        try {
          await owner.transaction(async (em) => {
            await em.query(`SET LOCAL session_replication_role = replica`);
            await em.query(`ALTER TABLE audit_seal DROP CONSTRAINT audit_seal_keyed`);
            await em.query(
              `UPDATE audit_event SET action = 'old.harmless' WHERE id = (SELECT event_id FROM audit_seal WHERE tenant_id = $1 AND seq = 2)`,
              [tenants[1]],
            );
            const rows: (SealableEvent & { seq: string })[] = await em.query(
              `SELECT s.seq::text AS seq, ${SEALABLE_COLUMNS} FROM audit_seal s JOIN audit_event e ON e.id = s.event_id
                WHERE s.tenant_id = $1 AND s.key_id IS NULL ORDER BY s.seq`,
              [tenants[1]],
            );
            let prev = GENESIS_HASH;
            for (const r of rows) {
              const hash = legacyLinkHash(prev, r);
              await em.query(
                `UPDATE audit_seal SET prev_hash = $3, hash = $4 WHERE tenant_id = $1 AND seq = $2`,
                [tenants[1], r.seq, prev, hash],
              );
              prev = hash;
            }
          });
        } finally {
          await owner.destroy();
        }
        const v = await upgraded.verify(tenants[1]);
        expect(v).toMatchObject({ ok: false, brokenAtSeq: '4' });
        expect(v.reason).toMatch(/does not follow link 3/);
      } finally {
        await app.destroy();
      }
    });
  });
});
