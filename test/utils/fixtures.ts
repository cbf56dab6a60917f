import { randomBytes } from 'node:crypto';
import * as argon2 from 'argon2';
import type { DataSource } from 'typeorm';

export const PASSWORD = 'Demo-pass-2026';
let passwordHash: Promise<string> | undefined;

/**
 * The fixtures' users share one argon2id hash at a low cost. Login still verifies it through
 * the production path, which reads the cost from the hash itself; at the production cost
 * (64 MiB, 3 passes) every one of the suites' hundreds of logins spent about half a second of
 * CPU. Users created through the api are hashed at the production cost, and the login-limits
 * test builds a deliberately slow hash of its own.
 */
export function fixtureHash(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
}

export type InstKey = 'general' | 'subcenter' | 'township' | 'village' | 'partner';
export type UserKey =
  'admin' | 'auditor' | 'instAdmin' | 'villageClinician' | 'coordinator' | 'countyClinician' | 'expert';

export interface TenantFixture {
  tenantId: string;
  inst: Record<InstKey, string>;
  practitioner: { county: string; village: string; expert: string };
  department: { cardiology: string; gp: string };
  users: Record<UserKey, { id: string; username: string }>;
}

async function insert(ds: DataSource, sql: string, params: unknown[]): Promise<string> {
  const [row] = await ds.query(`${sql} RETURNING id`, params);
  return row.id as string;
}

/**
 * A small consortium in one call: general hospital → sub-centre → township centre → village
 * clinic, a partner hospital, a practitioner or two and one user per role.
 */
export async function buildTenant(
  ds: DataSource,
  label = randomBytes(3).toString('hex'),
): Promise<TenantFixture> {
  passwordHash ??= fixtureHash(PASSWORD);
  const hash = await passwordHash;
  const tenantId = await insert(
    ds,
    `INSERT INTO consortium (name, division_code, time_zone, framework) VALUES ($1, '500114', 'Asia/Shanghai', '1224')`,
    [`测试医共体-${label}`],
  );
  const inst = async (name: string, kind: string, tier: string, parent: string | null) =>
    insert(
      ds,
      `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, division_code) VALUES ($1, $2, $3, $4, $5, '500114')`,
      [tenantId, name, kind, tier, parent],
    );
  const general = await inst('县总医院', 'GENERAL_HOSPITAL', 'COUNTY', null);
  const subcenter = await inst('次中心', 'REGIONAL_SUBCENTER', 'TOWNSHIP', general);
  const township = await inst('乡镇卫生院', 'TOWNSHIP_HEALTH_CENTER', 'TOWNSHIP', subcenter);
  const village = await inst('村卫生室', 'VILLAGE_CLINIC', 'VILLAGE', township);
  const partner = await inst('合作医院', 'PARTNER_HOSPITAL', 'EXTERNAL', null);
  const dept = (institution: string, code: string, name: string) =>
    insert(ds, `INSERT INTO department (tenant_id, institution_id, code, name) VALUES ($1, $2, $3, $4)`, [
      tenantId,
      institution,
      code,
      name,
    ]);
  const cardiology = await dept(general, 'CARD', '心血管内科');
  const gp = await dept(village, 'GP', '全科诊室');
  const doctor = (institution: string, department: string | null, name: string, title: string) =>
    insert(
      ds,
      `INSERT INTO practitioner (tenant_id, institution_id, department_id, name, title, licence_number)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [tenantId, institution, department, name, title, `${Date.now()}${randomBytes(3).toString('hex')}`],
    );
  const county = await doctor(general, cardiology, '王医生', 'ATTENDING_PHYSICIAN');
  const villageDoc = await doctor(village, gp, '李村医', 'VILLAGE_DOCTOR');
  const expert = await doctor(partner, null, '张专家', 'CHIEF_PHYSICIAN');
  const user = async (
    key: UserKey,
    institution: string,
    roles: string[],
    practitioner: string | null = null,
  ) => {
    const username = `${key.toLowerCase()}-${label}`.slice(0, 40);
    const id = await insert(
      ds,
      `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [tenantId, institution, practitioner, username, key, hash, roles],
    );
    return { id, username };
  };
  const users = {
    admin: await user('admin', general, ['CONSORTIUM_ADMIN']),
    auditor: await user('auditor', general, ['AUDITOR']),
    instAdmin: await user('instAdmin', township, ['INSTITUTION_ADMIN']),
    villageClinician: await user('villageClinician', village, ['CLINICIAN'], villageDoc),
    coordinator: await user('coordinator', general, ['REFERRAL_COORDINATOR']),
    countyClinician: await user('countyClinician', general, ['CLINICIAN'], county),
    expert: await user('expert', partner, ['EXPERT'], expert),
  };
  return {
    tenantId,
    inst: { general, subcenter, township, village, partner },
    practitioner: { county, village: villageDoc, expert },
    department: { cardiology, gp },
    users,
  };
}
