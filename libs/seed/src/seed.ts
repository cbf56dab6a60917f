import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '@yg/core/config/app-config';
import { FieldCipher } from '@yg/patients/domain/field-crypto';
import { patientField } from '@yg/patients/domain/patient-fields';
import { maskPhone, maskResidentId, parseResidentId } from '@yg/patients/domain/resident-id';
import { hashPassword } from '@yg/identity/password';
import { CONSORTIUM, INSTITUTIONS, PATIENTS, SeedInstitution } from './qianjiang.data';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { seedUnificationEvidence } from './unification-evidence';

export interface SeedSummary {
  tenantId: string;
  institutions: number;
  practitioners: number;
  patients: number;
  users: number;
}

/** Inserts when absent and returns the row's id either way, so a second run changes nothing. */
async function upsertId(
  em: EntityManager,
  insertSql: string,
  params: unknown[],
  selectSql: string,
  selectParams: unknown[],
) {
  const inserted: { id: string }[] = await em.query(
    `${insertSql} ON CONFLICT DO NOTHING RETURNING id`,
    params,
  );
  if (inserted[0]) return inserted[0].id;
  const [row] = await em.query(selectSql, selectParams);
  return row.id as string;
}

/** Parents before children. */
function treeOrder(list: SeedInstitution[]): SeedInstitution[] {
  const byKey = new Map(list.map((i) => [i.key, i]));
  const out: SeedInstitution[] = [];
  const seen = new Set<string>();
  const visit = (i: SeedInstitution) => {
    if (seen.has(i.key)) return;
    if (i.parentKey) visit(byKey.get(i.parentKey)!);
    seen.add(i.key);
    out.push(i);
  };
  list.forEach(visit);
  return out;
}

/**
 * Builds the 黔江区医共体 demo consortium. Idempotent: every row is keyed by its natural key
 * (names, codes, licence numbers, user names, ID-number hashes).
 */
export async function seedQianjiang(
  ds: DataSource,
  config: AppConfig,
  // A browser suite signs in dozens of times: it passes a cheap hash of DEMO_PASSWORD (login
  // reads the cost from the hash), where the demo itself hashes at the production cost.
  opts: { passwordHash?: string } = {},
): Promise<SeedSummary> {
  const cipher = new FieldCipher(config.patientKeys);
  const passwordHash = opts.passwordHash ?? (await hashPassword(DEMO_PASSWORD));
  return ds.transaction(async (em) => {
    const tenantId = await upsertId(
      em,
      `INSERT INTO consortium (name, division_code, time_zone, framework) VALUES ($1, $2, $3, $4)`,
      [CONSORTIUM.name, CONSORTIUM.divisionCode, CONSORTIUM.timeZone, CONSORTIUM.framework],
      `SELECT id FROM consortium WHERE name = $1`,
      [CONSORTIUM.name],
    );
    const instIds = new Map<string, string>();
    const practitionerIds = new Map<string, string>();
    for (const inst of treeOrder(INSTITUTIONS)) {
      const id = await upsertId(
        em,
        `INSERT INTO institution (tenant_id, name, kind, tier, parent_id, grade, division_code, address)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          tenantId,
          inst.name,
          inst.kind,
          inst.tier,
          inst.parentKey ? instIds.get(inst.parentKey) : null,
          inst.grade ?? null,
          inst.divisionCode,
          inst.address,
        ],
        `SELECT id FROM institution WHERE tenant_id = $1 AND name = $2`,
        [tenantId, inst.name],
      );
      instIds.set(inst.key, id);
      const deptIds = new Map<string, string>();
      for (const d of inst.departments) {
        deptIds.set(
          d.code,
          await upsertId(
            em,
            `INSERT INTO department (tenant_id, institution_id, code, name, specialty) VALUES ($1, $2, $3, $4, $5)`,
            [tenantId, id, d.code, d.name, d.specialty ?? null],
            `SELECT id FROM department WHERE institution_id = $1 AND code = $2`,
            [id, d.code],
          ),
        );
      }
      for (const p of inst.practitioners) {
        practitionerIds.set(
          p.key,
          await upsertId(
            em,
            `INSERT INTO practitioner (tenant_id, institution_id, department_id, name, title, specialties, licence_number)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [
              tenantId,
              id,
              p.department ? deptIds.get(p.department) : null,
              p.name,
              p.title,
              p.specialties,
              p.licenceNumber,
            ],
            `SELECT id FROM practitioner WHERE tenant_id = $1 AND licence_number = $2`,
            [tenantId, p.licenceNumber],
          ),
        );
      }
    }
    for (const u of DEMO_USERS) {
      await upsertId(
        em,
        `INSERT INTO app_user (tenant_id, institution_id, practitioner_id, username, display_name, password_hash, roles,
                               password_change_required)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          tenantId,
          instIds.get(u.institutionKey),
          u.practitionerKey ? practitionerIds.get(u.practitionerKey) : null,
          u.username,
          u.displayName,
          passwordHash,
          u.roles,
          u.passwordChangeRequired ?? false,
        ],
        `SELECT id FROM app_user WHERE username = $1`,
        [u.username],
      );
    }
    const [seeder] = await em.query(`SELECT id FROM app_user WHERE username = 'villagedoc'`);
    for (const p of PATIENTS) {
      const id = parseResidentId(p.idNumber);
      if (!id.ok) throw new Error(`seed patient ${p.key}: ${id.message}`);
      // Ciphertexts are bound to their row, so the row id is chosen first.
      const rowId = randomUUID();
      await upsertId(
        em,
        `INSERT INTO patient (tenant_id, name, sex, birth_date, id_number_enc, id_number_hash, id_number_masked,
           phone_enc, phone_masked, residence_division_code, chronic_conditions, contract_institution_id,
           contract_practitioner_id, contract_signed_on, registered_by_institution_id, registered_by_user_id, id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
        [
          tenantId,
          p.name,
          id.value.sex,
          id.value.birthDate,
          cipher.encrypt(id.value.normalized, patientField(rowId, 'id_number_enc')),
          cipher.lookupHash(id.value.normalized),
          maskResidentId(id.value.normalized),
          cipher.encrypt(p.phone, patientField(rowId, 'phone_enc')),
          maskPhone(p.phone),
          p.residenceDivisionCode,
          p.chronicConditions,
          p.contract ? instIds.get(p.contract.institutionKey) : null,
          p.contract ? practitionerIds.get(p.contract.practitionerKey) : null,
          p.contract?.signedOn ?? null,
          instIds.get(p.registeredAtKey),
          seeder.id,
          rowId,
        ],
        `SELECT id FROM patient WHERE tenant_id = $1 AND id_number_hash = $2`,
        [tenantId, cipher.lookupHash(id.value.normalized)],
      );
    }
    await seedUnificationEvidence(em, tenantId, CONSORTIUM.timeZone, instIds);
    return {
      tenantId,
      institutions: instIds.size,
      practitioners: practitionerIds.size,
      patients: PATIENTS.length,
      users: DEMO_USERS.length,
    };
  });
}
