import { Injectable } from '@nestjs/common';
import type { AuthUser } from '@yg/core';

/** What a document can be attached to. */
export type DocumentSubjectKind = 'referral' | 'consultation';

export interface DocumentSubject {
  kind: DocumentSubjectKind;
  id: string;
  patientId: string;
}

/** Whether the user may read the subject: the same rule that shows them the record itself. */
export type SubjectReader = (user: AuthUser, subjectId: string) => Promise<boolean>;

/**
 * Who may read an attached document is decided by the capability that owns its subject
 * (referrals, consultations), which registers its rule here at start-up: the documents module
 * sits below them and never reads their tables.
 */
@Injectable()
export class DocumentSubjects {
  private readonly readers = new Map<DocumentSubjectKind, SubjectReader>();

  register(kind: DocumentSubjectKind, reader: SubjectReader): void {
    this.readers.set(kind, reader);
  }

  canRead(user: AuthUser, kind: DocumentSubjectKind, subjectId: string): Promise<boolean> {
    const reader = this.readers.get(kind);
    // A kind whose module is not loaded in this process: nobody reads through it.
    return reader ? reader(user, subjectId) : Promise.resolve(false);
  }
}
