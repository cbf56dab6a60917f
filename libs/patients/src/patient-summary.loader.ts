import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import { DataSource, In } from 'typeorm';
import { LoaderFactory } from '@yg/core';
import { PatientEntity } from './entities/patient.entity';

export interface PatientSummary {
  id: string;
  name: string;
  sex: string;
  birthDate: string;
}

/**
 * Name, sex and birth date only, for lists that another capability has already authorised
 * (a referral worklist shows the patient of each referral the caller may see).
 */
@Injectable()
export class PatientSummaryLoader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  readonly factory: LoaderFactory<string, PatientSummary | null> = (user) =>
    new DataLoader(async (ids) => {
      const rows = await this.dataSource.getRepository(PatientEntity).find({
        select: { id: true, name: true, sex: true, birthDate: true },
        where: { id: In([...ids]), tenantId: user?.tenantId ?? '' },
      });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    });
}
