import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '@yg/core';
import { DocumentSubjects } from '@yg/documents';
import { ConsultationAccess } from './consultation-access.service';

/** A consultation's uploaded documents are read by whoever may see the consultation (its experts included), and no one else. */
@Injectable()
export class ConsultationDocuments implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subjects: DocumentSubjects,
    private readonly access: ConsultationAccess,
  ) {}

  onModuleInit() {
    this.subjects.register('consultation', (user, id) =>
      this.access.visible(this.dataSource.manager, user, id).then(
        () => true,
        (err: unknown) => {
          if (err instanceof NotFoundError) return false;
          throw err;
        },
      ),
    );
  }
}
