import { Controller, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, HttpErrorFilter, Role, Roles } from '@yg/core';
import { IntakeUploadReceipt, IntakeUploadService } from './intake-upload.service';

/**
 * `POST /intake/imports/upload` (multipart/form-data, bearer token of an integration account):
 * fields `kind` (ENCOUNTERS, the default, or OUT_OF_COUNTY), `sourceSystem`, `institutionId`
 * (encounters; default the caller's institution), then the file in `file` (.csv or .ndjson).
 * Answers 202 with the import's id; the import runs as a job, followed in GraphQL
 * (`dataImport`) and over the socket (`intake.import.progress`).
 */
@Controller('intake/imports')
@UseFilters(HttpErrorFilter)
export class IntakeUploadController {
  constructor(private readonly uploads: IntakeUploadService) {}

  @Post('upload')
  @HttpCode(202)
  @Roles(Role.DATA_INTEGRATION)
  upload(@CurrentUser() user: AuthUser, @Req() req: FastifyRequest): Promise<IntakeUploadReceipt> {
    return this.uploads.receive(user, req.raw);
  }
}
