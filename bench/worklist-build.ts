/**
 * The api's own CPU to build one coordinator worklist page's statement and turn its rows into
 * nodes, without a database: `ReferralQueries.list` with a data source whose queries answer no
 * rows at once. Rounds of 20,000 pages, µs per page printed per round (compare the median of
 * the rounds between builds: run it in a worktree of the other commit).
 *
 *   node -r @swc-node/register bench/worklist-build.ts
 */
import { DataSource } from 'typeorm';
import { AuthUser, Role } from '@yg/core';
import { AuditService } from '@yg/audit';
import { DepartmentEntity, InstitutionEntity } from '@yg/network';
import { PatientSummaryLoader } from '@yg/patients';
import { ReferralEntity } from '@yg/referrals/entities/referral.entity';
import { ReferralStepEntity } from '@yg/referrals/entities/referral-step.entity';
import { ReferralQueries } from '@yg/referrals/referral-queries.service';
import type { ReferralsArgs } from '@yg/referrals/dto/referral.inputs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PAGES = Number(process.env.BENCH_PAGES ?? 20_000);

async function main() {
  // Entity metadata only: nothing is read from this database.
  const ds = new DataSource({
    type: 'postgres',
    host: process.env.DB_HOST ?? '127.0.0.1',
    username: process.env.DB_USER ?? 'postgres',
    database: 'postgres',
    entities: [ReferralEntity, ReferralStepEntity, InstitutionEntity, DepartmentEntity],
  });
  await ds.initialize();
  const empty = async (_sql: string, _params?: unknown[], structured?: boolean) =>
    structured ? { records: [] } : [];
  const fake = ds as unknown as Record<string, unknown>;
  fake.query = empty;
  fake.createQueryRunner = () => ({
    query: empty,
    connect: async () => undefined,
    release: async () => undefined,
    isReleased: false,
    data: {},
    manager: ds.manager,
  });
  const clock = { now: () => new Date() } as never;
  // The page's audit event is part of its statement: built for real, sent nowhere.
  const patients = new PatientSummaryLoader(ds, new AuditService(ds, {} as never, clock));
  const queries = new ReferralQueries(ds, {} as never, clock, patients);
  const user = {
    id: '00000000-0000-0000-0000-000000000003',
    tenantId: '00000000-0000-0000-0000-000000000001',
    institutionId: '00000000-0000-0000-0000-000000000002',
    roles: [Role.REFERRAL_COORDINATOR],
  } as unknown as AuthUser;
  // The benchmark's worklist query: the incoming box, SUBMITTED, 50 rows, with patient,
  // institutions and department.
  const args = { box: 'INCOMING', states: ['SUBMITTED'], first: 50 } as unknown as ReferralsArgs;
  const selection = {
    fields: new Set(['id', 'referralNo', 'state', 'urgency', 'dueAt', 'direction']),
    patient: true,
    fromInstitution: new Set(['name']),
    toInstitution: new Set(['name']),
    toDepartment: new Set(['name']),
  };
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < PAGES; i++) await queries.list(user, args, selection);
    const us = Number(process.hrtime.bigint() - t0) / 1000 / PAGES;
    process.stdout.write(`round ${round}: ${us.toFixed(1)} µs per page\n`);
  }
  await ds.destroy();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
