import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { LoaderFactory } from '@yg/core';
import { AuditService, type AuditRow } from '@yg/audit';
import { PatientEntity } from './entities/patient.entity';
import { maskedBirthYear } from './domain/masked-birth';

export interface PatientSummary {
  id: string;
  name: string;
  sex: string;
  birthDate: null;
  birthYear: number | null;
}

/** One row of the `patient_summary` view (the read model other capabilities join), e.g. as `to_json(ps)`. */
export interface PatientSummaryRow {
  id: string;
  name: string;
  sex: string;
  birth_date: string;
  created_at: Date | string;
}

/**
 * Name, sex and the birth year a masked view may show, for lists that another capability has
 * already authorised (a referral worklist shows the patient of each referral the caller may
 * see). Personal data in a list is a read: each batch (one per page) writes one audit event
 * naming the patients shown.
 */
@Injectable()
export class PatientSummaryLoader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  readonly factory: LoaderFactory<string, PatientSummary | null> = (user) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(PatientEntity).find({
        select: { id: true, name: true, sex: true, birthDate: true, createdAt: true },
        where: { id: In([...ids]), tenantId: user?.tenantId ?? '' },
      });
      const shown = await this.shown(
        rows.map((r) => ({
          id: r.id,
          name: r.name,
          sex: r.sex,
          birth_date: r.birthDate,
          created_at: r.createdAt,
        })),
      );
      const byId = new Map(shown.map((p) => [p.id, p]));
      return ids.map((id) => byId.get(id) ?? null);
    });

  /**
   * The summaries of rows another statement read from the `patient_summary` view (a page that
   * selects its patients with it), masked, and the one audit event for showing them.
   */
  async shown(rows: readonly PatientSummaryRow[]): Promise<PatientSummary[]> {
    const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
    if (unique.length) {
      await this.audit.recordStandalone({
        action: 'patient.list',
        entityType: 'Patient',
        details: { source: 'summary', count: unique.length, patientIds: unique.map((r) => r.id) },
      });
    }
    return unique.map(masked);
  }

  /**
   * The same audit event written by the page's own statement (a CTE of it), for a page that reads
   * its patients from `patient_summary` itself: `page` names a relation of that statement with a
   * `patient_id` and the row's place `n` (1-based) of every row that shows a patient; rows past
   * `shown` (the one read to tell whether a next page exists) are not shown. Patients are named
   * once each, in the order they first appear, as `shown` names them.
   */
  shownInStatement(
    param: (value: unknown) => string,
    page: string,
    shown: number,
  ): { sql: string; row: AuditRow } {
    return this.audit.insertSelect(
      { action: 'patient.list', entityType: 'Patient' },
      param,
      `jsonb_build_object('source', 'summary', 'count', count(*), 'patientIds', jsonb_agg(s.patient_id ORDER BY s.n))`,
      `FROM (SELECT patient_id, min(n) AS n FROM ${page} WHERE n <= ${Number(shown)} GROUP BY patient_id) s HAVING count(*) > 0`,
    );
  }

  /** After `shownInStatement`'s statement ran: its event noted for the request (sealing, refusal checks). */
  noteShown(event: { row: AuditRow; id: string | null }): void {
    if (event.id !== null) this.audit.noteRecorded([event.row], [event.id]);
  }

  readonly mask = masked;
}

/** What a list may show of a patient: no birth date, the birth year only where the rules allow. */
function masked(r: PatientSummaryRow): PatientSummary {
  return {
    id: r.id,
    name: r.name,
    sex: r.sex,
    birthDate: null,
    birthYear: maskedBirthYear(r.birth_date, new Date(r.created_at)),
  };
}
