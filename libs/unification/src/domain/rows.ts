import {
  Comparator,
  DataCheck,
  Dimension,
  EvidenceRecord,
  ItemKind,
  ReviewStatus,
  UnificationItem,
} from './scorecard';
import type { Tier } from '@yg/network/domain/institution-kind';

export interface ItemRow {
  id: string;
  tenant_id: string | null;
  code: string;
  version: number;
  dimension: Dimension;
  position: number;
  name_zh: string;
  name_en: string;
  kind: ItemKind;
  tiers: Tier[];
  data_check: DataCheck | null;
  evidence_kind: string | null;
  valid_months: number | null;
  active: boolean;
  change_note: string | null;
  created_by: string | null;
  created_at: Date;
}

export function toItem(r: ItemRow): UnificationItem {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    code: r.code,
    version: r.version,
    dimension: r.dimension,
    position: r.position,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    kind: r.kind,
    tiers: r.tiers,
    data: r.data_check
      ? {
          ...r.data_check,
          comparator: r.data_check.comparator as Comparator,
          partial: r.data_check.partial ?? null,
        }
      : null,
    evidence: r.evidence_kind ? { evidenceKind: r.evidence_kind, validMonths: r.valid_months } : null,
    active: r.active,
    changeNote: r.change_note,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  };
}

export interface EvidenceRow {
  id: string;
  tenant_id: string;
  institution_id: string;
  evidence_kind: string;
  title: string;
  document_date: string;
  sha256: string;
  location: string;
  recorded_by: string;
  recorded_at: Date;
  status: ReviewStatus;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  review_reason: string | null;
}

export interface Evidence extends EvidenceRecord {
  tenantId: string;
  sha256: string;
  location: string;
  recordedBy: string;
  recordedAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewReason: string | null;
}

/** document_date is read as text (see EVIDENCE_COLUMNS): no time-zone shift of a calendar date. */
export const EVIDENCE_COLUMNS = `id, tenant_id, institution_id, evidence_kind, title, document_date::text AS document_date,
  sha256, location, recorded_by, recorded_at, status, reviewed_by, reviewed_at, review_reason`;

export function toEvidence(r: EvidenceRow): Evidence {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    institutionId: r.institution_id,
    evidenceKind: r.evidence_kind,
    title: r.title,
    documentDate: r.document_date,
    sha256: r.sha256,
    location: r.location,
    recordedBy: r.recorded_by,
    recordedAt: new Date(r.recorded_at),
    status: r.status,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at) : null,
    reviewReason: r.review_reason,
  };
}
