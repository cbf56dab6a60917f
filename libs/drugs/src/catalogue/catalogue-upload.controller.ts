import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, HttpErrorFilter, Role, Roles } from '@yg/core';
import { CatalogueUploadReceipt, CatalogueUploadService } from './catalogue-upload.service';

/**
 * `POST /drugs/catalogues/upload` (multipart/form-data, bearer token): fields `institutionId`
 * (default: the caller's institution) and `full` (default true: the file is the whole
 * catalogue), then the file in `file` (.csv or .xlsx). Answers 202 with the import's id; the
 * import runs as a job, followed in GraphQL (`catalogueImport`) and over the socket.
 */
@Controller('drugs/catalogues')
@UseFilters(HttpErrorFilter)
export class CatalogueUploadController {
  constructor(private readonly uploads: CatalogueUploadService) {}

  @Post('upload')
  @HttpCode(202)
  @Roles(Role.INSTITUTION_ADMIN, Role.PHARMACIST, Role.CONSORTIUM_ADMIN)
  upload(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest): Promise<CatalogueUploadReceipt> {
    return this.uploads.receive(user, req.raw);
  }
}
