import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { LoaderFactory } from '@yg/core';
import { AuditService } from '@yg/audit';
import { PatientEntity } from './entities/patient.entity';
import { maskedBirthYear } from './domain/masked-birth';

export interface PatientSummary {
  id: string;
  name: string;
  sex: string;
  birthDate: null;
  birthYear: number | null;
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
      if (rows.length) {
        await this.audit.recordStandalone({
          action: 'patient.list',
          entityType: 'Patient',
          details: { source: 'summary', count: rows.length, patientIds: rows.map((r) => r.id) },
        });
      }
      const byId = new Map(
        rows.map((r): [string, PatientSummary] => [
          r.id,
          {
            id: r.id,
            name: r.name,
            sex: r.sex,
            birthDate: null,
            birthYear: maskedBirthYear(r.birthDate, r.createdAt),
          },
        ]),
      );
      return ids.map((id) => byId.get(id) ?? null);
    });
}
