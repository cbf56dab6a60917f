import { Controller, Get, HttpCode, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, HttpErrorFilter, Role, Roles } from '@yg/core';
import { DocumentReceipt, DocumentStore } from './document-store.service';

/**
 * `POST /documents` (multipart/form-data, bearer token; the file in `file`): a clinician's or
 * coordinator's scan, ECG, image or DICOM study, answered 201 with its `documentId`, which
 * `createReferral` / `requestConsultation` then attach. `GET /documents/:id` (bearer token): the
 * bytes, to those who may read the record it is attached to (before that, to its uploader).
 */
@Controller('documents')
@UseFilters(HttpErrorFilter)
export class DocumentsController {
  constructor(private readonly store: DocumentStore) {}

  @Post()
  @HttpCode(201)
  @Roles(Role.CLINICIAN, Role.REFERRAL_COORDINATOR)
  upload(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest): Promise<DocumentReceipt> {
    return this.store.receive(user, req.raw);
  }

  @Get(':id')
  async download(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const doc = await this.store.read(user, id);
    const ascii = doc.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
    res.header('content-type', doc.mediaType);
    res.header('content-length', String(doc.sizeBytes));
    // Always a download, never rendered in the api's origin; the console shows it from a blob.
    res.header(
      'content-disposition',
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`,
    );
    res.header('x-content-type-options', 'nosniff');
    res.header('content-security-policy', "sandbox; default-src 'none'");
    res.header('cache-control', 'private, no-store');
    res.header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`);
    res.send(doc.stream);
  }
}
