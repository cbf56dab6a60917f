import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DateTime } from 'luxon';
import {
  AuthUser,
  BadInputError,
  Clock,
  ConflictError,
  Connection,
  DataIntegrityError,
  hasRole,
  isUniqueViolation,
  NotFoundError,
  paginate,
  Role,
} from '@yg/core';
import { AuditService } from '@yg/audit';
import { NetworkService } from '@yg/network';
import { PatientEntity } from './entities/patient.entity';
import { FieldCipher, FieldCipherError } from './domain/field-crypto';
import { PatientEncryptedColumn, patientField } from './domain/patient-fields';
import { maskPhone, maskResidentId, normalizePhone, parseResidentId } from './domain/resident-id';
import { maskedBirthYear } from './domain/masked-birth';
import { SexValue } from './domain/chronic-condition';
import { PatientsArgs, RegisterPatientInput } from './dto/patient.inputs';
import { PatientModel } from './models/patient.models';

/** Roles whose work needs the full ID number and phone (calling the patient, checking identity). */
const UNMASKED_ROLES = [Role.CLINICIAN, Role.REFERRAL_COORDINATOR];
/** Roles that see every patient of the consortium (always masked). */
const TENANT_WIDE_ROLES = [Role.CONSORTIUM_ADMIN, Role.AUDITOR];

/** Roles that see every patient of the consortium (masked); everyone else sees related patients only. */
export function seesEveryPatient(user: AuthUser): boolean {
  return hasRole(user, ...TENANT_WIDE_ROLES);
}
/** Patient ids are uuids; anything else cannot name a patient (and must not reach Postgres as one). */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
/** Patient `p` is related to institution `:inst` (the clinical relation that grants visibility). */
// The rule is the SQL function `patient_related_to` (inlined by the planner), shared with statements of other capabilities.
const RELATED_TO_INSTITUTION = `patient_related_to(p.id, p.registered_by_institution_id, p.contract_institution_id, :inst)`;

@Injectable()
export class PatientsService {
  private readonly logger = new Logger(PatientsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    private readonly network: NetworkService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async register(user: AuthUser, input: RegisterPatientInput): Promise<PatientModel> {
    const id = parseResidentId(input.idNumber, this.clock.now());
    if (!id.ok) throw new BadInputError(id.message, { field: 'idNumber', reason: id.reason });
    if (input.sex && input.sex !== id.value.sex) {
      throw new BadInputError('性别与身份证号不符 (sex does not match the ID number)', { field: 'sex' });
    }
    if (input.birthDate && input.birthDate !== id.value.birthDate) {
      throw new BadInputError('出生日期与身份证号不符 (birth date does not match the ID number)', {
        field: 'birthDate',
      });
    }
    let phone: string | null = null;
    if (input.phone) {
      const p = normalizePhone(input.phone);
      if (!p.ok) throw new BadInputError(p.message, { field: 'phone' });
      phone = p.value;
    }
    // "Today" on the consortium's calendar: the UTC date is a day behind in China before 08:00.
    // Read before the transaction so one registration never holds two pool connections.
    if (
      input.familyDoctorContract &&
      input.familyDoctorContract.signedOn > (await this.today(user.tenantId))
    ) {
      throw new BadInputError('签约日期不能晚于今天 (signedOn cannot be in the future)', {
        field: 'familyDoctorContract.signedOn',
      });
    }
    const idHash = this.cipher.lookupHash(id.value.normalized);
    // The id is chosen here because the ciphertexts are bound to their row.
    const patientId = randomUUID();
    try {
      return await this.dataSource.transaction(async (em) => {
        const contract = input.familyDoctorContract;
        if (contract) {
          const inst = await this.network.institution(user.tenantId, contract.institutionId, em);
          const doctor = await this.network.practitioner(user.tenantId, contract.practitionerId, em);
          if (doctor.institutionId !== inst.id) {
            throw new BadInputError(
              '签约医生不属于签约机构 (the family doctor works at another institution)',
              {
                field: 'familyDoctorContract.practitionerId',
              },
            );
          }
        }
        await this.assertNotRegistered(em, user, idHash);
        const patient = em.create(PatientEntity, {
          id: patientId,
          tenantId: user.tenantId,
          name: input.name.trim(),
          sex: id.value.sex as SexValue,
          birthDate: id.value.birthDate,
          idNumberEnc: this.cipher.encrypt(id.value.normalized, patientField(patientId, 'id_number_enc')),
          idNumberHash: idHash,
          idNumberMasked: maskResidentId(id.value.normalized),
          phoneEnc: phone ? this.cipher.encrypt(phone, patientField(patientId, 'phone_enc')) : null,
          phoneMasked: phone ? maskPhone(phone) : null,
          residenceDivisionCode: input.residenceDivisionCode,
          chronicConditions: [...new Set(input.chronicConditions)],
          contractInstitutionId: contract?.institutionId ?? null,
          contractPractitionerId: contract?.practitionerId ?? null,
          contractSignedOn: contract?.signedOn ?? null,
          registeredByInstitutionId: user.institutionId,
          registeredByUserId: user.id,
        });
        await em.insert(PatientEntity, patient);
        await this.audit.record(em, {
          action: 'patient.register',
          entityType: 'Patient',
          entityId: patient.id,
          details: { chronicConditions: patient.chronicConditions.length, contract: !!contract },
        });
        return this.view(user, patient, { idNumber: id.value.normalized, phone });
      });
    } catch (err) {
      // Lost a race with a parallel registration of the same person: answer like the pre-check.
      if (isUniqueViolation(err, 'patient_tenant_id_hash')) {
        await this.assertNotRegistered(this.dataSource.manager, user, idHash);
      }
      throw err;
    }
  }

  /** Today's date (YYYY-MM-DD) in the consortium's time zone. */
  private async today(tenantId: string): Promise<string> {
    const { timeZone } = await this.network.consortium(tenantId);
    const now = this.clock.now();
    return (
      DateTime.fromJSDate(now, { zone: timeZone || DEFAULT_TIME_ZONE }).toISODate() ??
      DateTime.fromJSDate(now, { zone: DEFAULT_TIME_ZONE }).toISODate()!
    );
  }
  /**
   * A duplicate is refused; its id is named only to a caller whose institution is related to the
   * patient. Anyone else, a clinician who also audits included, would otherwise confirm which
   * masked patient a guessed ID number belongs to.
   */
  private async assertNotRegistered(em: EntityManager, user: AuthUser, idHash: string) {
    const existing = await em
      .getRepository(PatientEntity)
      .createQueryBuilder('p')
      .select('p.id', 'id')
      .addSelect(RELATED_TO_INSTITUTION, 'related')
      .where('p.tenant_id = :tenant AND p.id_number_hash = :hash', { tenant: user.tenantId, hash: idHash })
      .setParameter('inst', user.institutionId)
      .getRawOne<{ id: string; related: boolean }>();
    if (!existing) return;
    if (existing.related) {
      throw new ConflictError(
        '该身份证号的患者已登记 (a patient with this ID number is already registered)',
        {
          existingPatientId: existing.id,
        },
      );
    }
    throw new ConflictError(
      '该身份证号的患者已由本医共体其他机构登记，其完整信息仅对与患者相关的机构开放；可由其登记或签约机构转诊至本机构 (a patient with this ID number is already registered by another institution of the consortium; their record opens only to institutions related to the patient, such as one the patient is referred to)',
    );
  }

  /** One patient, unmasked for clinical roles; every read is audited. */
  async read(user: AuthUser, patientId: string): Promise<PatientModel> {
    // A malformed id would make Postgres fail the uuid cast (an internal error); it names no patient.
    if (!UUID_RE.test(patientId)) throw new NotFoundError('Patient', '患者', patientId);
    try {
      return await this.dataSource.transaction(async (em) => {
        const clinical = hasRole(user, ...UNMASKED_ROLES);
        const qb = this.visibleQuery(em, user).andWhere('p.id = :id', { id: patientId });
        if (clinical) qb.addSelect(['p.idNumberEnc', 'p.phoneEnc']);
        const patient = await qb.getOne();
        if (!patient) throw new NotFoundError('Patient', '患者', patientId);
        // A clinical role unmasks only patients its institution is related to: a user who is also
        // an admin or auditor sees the whole consortium, but must not see all of it unmasked.
        const unmasked =
          clinical && (!seesEveryPatient(user) || (await this.isRelated(em, user, patient.id)));
        const plain = unmasked
          ? {
              idNumber: this.open(patient.id, 'id_number_enc', patient.idNumberEnc),
              phone: patient.phoneEnc ? this.open(patient.id, 'phone_enc', patient.phoneEnc) : null,
            }
          : undefined;
        await this.audit.record(em, {
          action: unmasked ? 'patient.read.unmasked' : 'patient.read',
          entityType: 'Patient',
          entityId: patient.id,
        });
        return this.view(user, patient, plain);
      });
    } catch (err) {
      if (err instanceof DataIntegrityError) {
        // The read's own transaction rolled back; the attempt still belongs in the trail.
        await this.audit.recordStandalone({
          action: 'patient.read.unmasked',
          entityType: 'Patient',
          entityId: patientId.toLowerCase(),
          outcome: 'FAILURE',
          errorCode: err.code,
        });
      }
      throw err;
    }
  }

  /**
   * The plaintext of one encrypted field. A token that fails (altered, copied from another
   * patient, under a key no longer configured) is logged with the patient and column and
   * answered DATA_INTEGRITY: never another patient's number, never a retry.
   */
  private open(rowId: string, column: PatientEncryptedColumn, token: string): string {
    try {
      return this.cipher.decrypt(token, patientField(rowId, column));
    } catch (err) {
      if (!(err instanceof FieldCipherError)) throw err;
      this.logger.error(
        `patient ${rowId}: ${column} failed its integrity check (${err.reason}): ${err.message}`,
      );
      throw new DataIntegrityError(
        '患者证件数据校验失败，已记录，请联系系统管理员 (The patient’s stored identifiers failed their integrity check; this has been logged, please contact the system administrator)',
        { patientId: rowId },
      );
    }
  }

  /** Search within what the caller may see; lists always come back masked. */
  async search(user: AuthUser, args: PatientsArgs): Promise<Connection<PatientModel>> {
    const qb = this.visibleQuery(this.dataSource.manager, user);
    if (args.name) qb.andWhere('strpos(p.name, :name) > 0', { name: args.name.trim() });
    if (args.idSuffix) {
      qb.andWhere('right(p.id_number_masked, :idLen) = :idSuffix', {
        idLen: args.idSuffix.length,
        idSuffix: args.idSuffix.toUpperCase(),
      });
    }
    if (args.phoneSuffix) {
      qb.andWhere('right(p.phone_masked, :phLen) = :phSuffix', {
        phLen: args.phoneSuffix.length,
        phSuffix: args.phoneSuffix,
      });
    }
    const page = await paginate(
      qb,
      [
        { expr: 'p.name', value: (r) => r.name },
        { expr: 'p.id', value: (r) => r.id, kind: 'uuid' },
      ],
      args,
    );
    // A list of personal data is a read: one event per page, naming the patients shown and which
    // filters were used (never their values: a name or part of a number).
    await this.audit.recordStandalone({
      action: 'patient.list',
      entityType: 'Patient',
      details: {
        source: 'patients',
        count: page.nodes.length,
        patientIds: page.nodes.map((p) => p.id),
        filters: (['name', 'idSuffix', 'phoneSuffix'] as const).filter((f) => args[f]),
      },
    });
    return { ...page, nodes: page.nodes.map((p) => this.view(user, p)) };
  }

  /** Lets another institution of the tenant see a patient (e.g. the target of a referral). */
  async grantAccess(
    em: EntityManager,
    tenantId: string,
    patientId: string,
    institutionId: string,
    reason: string,
  ) {
    await em.query(`SELECT grant_patient_access($1, $2, $3, $4)`, [
      tenantId,
      patientId,
      institutionId,
      reason,
    ]);
  }

  /** The patient if the caller may see it, else NOT_FOUND (never FORBIDDEN: existence stays private). */
  async assertVisible(user: AuthUser, patientId: string, em?: EntityManager): Promise<PatientEntity> {
    if (!UUID_RE.test(patientId)) throw new NotFoundError('Patient', '患者', patientId);
    const p = await this.visibleQuery(em ?? this.dataSource.manager, user)
      .andWhere('p.id = :id', { id: patientId })
      .getOne();
    if (!p) throw new NotFoundError('Patient', '患者', patientId);
    return p;
  }

  private visibleQuery(em: EntityManager, user: AuthUser) {
    const qb = em
      .getRepository(PatientEntity)
      .createQueryBuilder('p')
      .where('p.tenant_id = :tenant', { tenant: user.tenantId });
    if (!seesEveryPatient(user)) {
      qb.andWhere(RELATED_TO_INSTITUTION, { inst: user.institutionId });
    }
    return qb;
  }

  /** Whether the caller's institution registered, contracts or was granted access to the patient. */
  private async isRelated(em: EntityManager, user: AuthUser, patientId: string): Promise<boolean> {
    const n = await em
      .getRepository(PatientEntity)
      .createQueryBuilder('p')
      .where('p.tenant_id = :tenant AND p.id = :id', { tenant: user.tenantId, id: patientId })
      .andWhere(RELATED_TO_INSTITUTION, { inst: user.institutionId })
      .getCount();
    return n > 0;
  }

  private view(
    user: AuthUser,
    p: PatientEntity,
    plain?: { idNumber: string; phone: string | null },
  ): PatientModel {
    const show = !!plain && hasRole(user, ...UNMASKED_ROLES);
    return {
      id: p.id,
      name: p.name,
      sex: p.sex,
      // The birth date is what a masked ID number hides; see domain/masked-birth.ts.
      birthDate: show ? p.birthDate : null,
      birthYear: show ? Number(p.birthDate.slice(0, 4)) : maskedBirthYear(p.birthDate, p.createdAt),
      idNumber: show ? plain.idNumber : p.idNumberMasked,
      phone: show ? plain.phone : p.phoneMasked,
      masked: !show,
      residenceDivisionCode: p.residenceDivisionCode,
      chronicConditions: p.chronicConditions,
      familyDoctorContract:
        p.contractInstitutionId && p.contractPractitionerId && p.contractSignedOn
          ? {
              institutionId: p.contractInstitutionId,
              practitionerId: p.contractPractitionerId,
              signedOn: p.contractSignedOn,
            }
          : null,
      registeredByInstitutionId: p.registeredByInstitutionId,
      createdAt: p.createdAt,
    };
  }
}
