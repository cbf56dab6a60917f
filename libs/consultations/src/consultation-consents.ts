import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuthUser, BadInputError } from '@yg/core';
import { DocumentStore } from '@yg/documents';
import { ConsentInput } from './dto/consultation.inputs';
import { Consent } from './entities/consultation.entity';

/** The patient's signed consent, given with a request or at booking: checked, then kept. */
@Injectable()
export class ConsultationConsents {
  constructor(private readonly documents: DocumentStore) {}

  /** Signed in the past; its scan given once, by address or as an upload. Reads nothing. */
  check(input: ConsentInput, now: Date): void {
    if (input.signedAt > now) {
      throw new BadInputError('知情同意签署时间不能晚于现在 (consent cannot be signed in the future)', {
        field: 'consent.signedAt',
      });
    }
    if (!!input.documentUri === !!input.documentId) {
      throw new BadInputError(
        '知情同意书扫描件须给出地址或已上传文件之一 (give the signed consent form either as documentUri or as documentId)',
        { field: 'consent.documentUri' },
      );
    }
  }

  /** The consent as the consultation keeps it; an uploaded scan is attached to it in `em`'s transaction. */
  async keep(
    em: EntityManager,
    user: AuthUser,
    input: ConsentInput,
    consultation: { id: string; patientId: string },
  ): Promise<Consent> {
    const kept = {
      signedBy: input.signedBy,
      relationship: input.relationship,
      signedAt: input.signedAt.toISOString(),
    };
    if (!input.documentId) return { ...kept, documentUri: input.documentUri! };
    const id = input.documentId.toLowerCase();
    const scans = await this.documents.attach(
      em,
      user,
      [id],
      { kind: 'consultation', id: consultation.id, patientId: consultation.patientId },
      'consent.documentId',
    );
    const scan = scans.get(id)!;
    return { ...kept, documentUri: scan.uri, documentId: scan.documentId };
  }
}
