import { Type, ValidationPipe } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthUser, createValidationPipe, Role } from '@yg/core';
import { CONSORTIUM, INSTITUTIONS, PATIENTS } from '../qianjiang.data';
import type { Actor } from './activity.story';

/**
 * The ids of what the story names (users, institutions, practitioners, patients, its own
 * referrals and consultations), and what this run created.
 */
export class StoryWorld {
  tenantId = '';
  /** Outbox rows above this id are this run's. */
  lastOutboxId = '0';
  readonly patients = new Map<string, string>();
  readonly referrals = new Map<string, string>();
  readonly consultations = new Map<string, string>();
  readonly supplies = new Map<string, string>();
  readonly created = {
    /** Registration time by patient id. */
    patients: new Map<string, Date>(),
    referrals: new Set<string>(),
    consultations: new Set<string>(),
    supplies: new Set<string>(),
  };
  private readonly users = new Map<Actor, AuthUser>();
  private readonly institutions = new Map<string, string>();
  private readonly practitioners = new Map<string, string>();
  private readonly pipe: ValidationPipe = createValidationPipe();

  constructor(private readonly ds: DataSource) {}

  async load(): Promise<this> {
    [{ id: this.lastOutboxId }] = await this.ds.query(
      `SELECT coalesce(max(id), 0)::text AS id FROM outbox_message`,
    );
    const [tenant] = await this.ds.query(`SELECT id FROM consortium WHERE name = $1`, [CONSORTIUM.name]);
    if (!tenant) throw new Error(`${CONSORTIUM.name} is not seeded`);
    this.tenantId = tenant.id;
    const users: {
      username: Actor;
      id: string;
      institution_id: string;
      roles: Role[];
      practitioner_id: string | null;
    }[] = await this.ds.query(
      `SELECT username, id, institution_id, roles, practitioner_id FROM app_user WHERE tenant_id = $1`,
      [this.tenantId],
    );
    for (const u of users) {
      this.users.set(u.username, {
        id: u.id,
        tenantId: this.tenantId,
        institutionId: u.institution_id,
        roles: u.roles,
        practitionerId: u.practitioner_id,
      });
    }
    const instKeys = new Map(INSTITUTIONS.map((i) => [i.name, i.key]));
    const insts: { id: string; name: string }[] = await this.ds.query(
      `SELECT id, name FROM institution WHERE tenant_id = $1`,
      [this.tenantId],
    );
    for (const i of insts) if (instKeys.has(i.name)) this.institutions.set(instKeys.get(i.name)!, i.id);
    const practitionerKeys = new Map(
      INSTITUTIONS.flatMap((i) => i.practitioners.map((p) => [p.licenceNumber, p.key])),
    );
    const people: { id: string; licence_number: string }[] = await this.ds.query(
      `SELECT id, licence_number FROM practitioner WHERE tenant_id = $1`,
      [this.tenantId],
    );
    for (const p of people) {
      const key = practitionerKeys.get(p.licence_number);
      if (key) this.practitioners.set(key, p.id);
    }
    // Patients of the base seed, by name and the institution that registered them.
    for (const p of PATIENTS) {
      const [row] = await this.ds.query(
        `SELECT id FROM patient WHERE tenant_id = $1 AND name = $2 AND registered_by_institution_id = $3`,
        [this.tenantId, p.name, this.institutions.get(p.registeredAtKey)],
      );
      if (row) this.patients.set(p.key, row.id);
    }
    return this;
  }

  user(actor: Actor): AuthUser {
    return found(this.users.get(actor), `demo user ${actor}`);
  }

  inst(key: string): string {
    return found(this.institutions.get(key), `institution ${key}`);
  }

  practitioner(key: string): string {
    return found(this.practitioners.get(key), `practitioner ${key}`);
  }

  patient(key: string): string {
    return found(this.patients.get(key), `patient ${key}`);
  }

  async department(instKey: string, code: string): Promise<string> {
    const [row] = await this.ds.query(`SELECT id FROM department WHERE institution_id = $1 AND code = $2`, [
      this.inst(instKey),
      code,
    ]);
    return found<string>(row?.id, `department ${instKey}/${code}`);
  }

  /** The api's own input checks and conversions, as a GraphQL argument gets them. */
  input<T extends object>(type: Type<T>, value: Record<string, unknown>): Promise<T> {
    return this.pipe.transform(value, { type: 'body', metatype: type }) as Promise<T>;
  }

  /**
   * Creation and update times come from the database clock, not the service clock: date the
   * rows this run created by their first and last timeline steps (patients by registration,
   * inbox entries by their events), so worklists, `from`/`to` filters and last month's figures
   * see them when they happened.
   */
  async alignTimestamps(): Promise<void> {
    for (const [table, ids] of [
      ['referral', this.created.referrals],
      ['consultation', this.created.consultations],
      ['supply_request', this.created.supplies],
    ] as const) {
      await this.ds.query(
        `UPDATE ${table} t SET created_at = s.first, updated_at = s.last
           FROM (SELECT ${table}_id AS id, min(at) AS first, max(at) AS last FROM ${table}_step
                  WHERE ${table}_id = ANY($1::uuid[]) GROUP BY ${table}_id) s
          WHERE t.id = s.id`,
        [[...ids]],
      );
    }
    for (const [id, at] of this.created.patients) {
      await this.ds.query(`UPDATE patient SET created_at = $2, updated_at = $2 WHERE id = $1`, [id, at]);
    }
    await this.ds.query(
      `UPDATE notification n SET created_at = date_trunc('milliseconds', (o.payload->>'occurredAt')::timestamptz)
         FROM outbox_message o
        WHERE o.id = n.message_id AND o.id > $1`,
      [this.lastOutboxId],
    );
  }
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the story names an unknown ${what}`);
  return value;
}
