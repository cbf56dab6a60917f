import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '@yg/core';
import { DocumentSubjects } from '@yg/documents';
import { ReferralAccess } from './referral-access.service';

/** A referral's uploaded documents are read by whoever may read the referral, and no one else. */
@Injectable()
export class ReferralDocuments implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subjects: DocumentSubjects,
    private readonly access: ReferralAccess,
  ) {}

  onModuleInit() {
    this.subjects.register('referral', (user, id) =>
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
