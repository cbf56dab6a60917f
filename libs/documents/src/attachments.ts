import { BadInputError } from '@yg/core';
import type { DocumentSubjectKind } from './document-subjects';

/** An attachment as a form gives it: an address elsewhere (PACS, a hospital's file server) or an upload. */
export interface AttachmentRequest {
  name: string;
  type?: string | null;
  uri?: string | null;
  documentId?: string | null;
}

/** An attachment as a referral or consultation records it. */
export interface RecordedAttachment {
  name: string;
  type: string;
  uri: string;
  /** Set for an uploaded document: `uri` is then where the api serves it. */
  documentId?: string;
  sizeBytes?: number;
  sha256?: string;
}

/** The uploads a form attaches, after checking each item names exactly one thing. */
export function uploadsOf(list: readonly AttachmentRequest[], field: string): string[] {
  list.forEach((a, i) => {
    if (!!a.uri === !!a.documentId) {
      throw new BadInputError(
        '每个附件须给出地址 (uri) 或已上传文件 (documentId) 之一 (give each attachment either a uri or a documentId)',
        { field: `${field}.${i}` },
      );
    }
    if (a.uri && !a.type?.trim()) {
      throw new BadInputError('按地址给出的附件须写明类型 (an attachment given by uri needs its type)', {
        field: `${field}.${i}.type`,
      });
    }
  });
  return list.flatMap((a) => (a.documentId ? [a.documentId.toLowerCase()] : []));
}

/**
 * How many attachments a record holds at most, those added later included: what its creation
 * form takes (a referral 20, a consultation's studies 30).
 */
export const MAX_ATTACHMENTS: Record<DocumentSubjectKind, number> = { referral: 20, consultation: 30 };

/** BAD_USER_INPUT when adding `adding` to the `held` a record has would pass its limit. */
export function assertRoomForAttachments(
  kind: DocumentSubjectKind,
  held: number,
  adding: number,
  field: string,
): void {
  const limit = MAX_ATTACHMENTS[kind];
  if (held + adding <= limit) return;
  const room = Math.max(0, limit - held);
  throw new BadInputError(
    `附件最多 ${limit} 个,已有 ${held} 个,本次最多再添加 ${room} 个 ` +
      `(at most ${limit} attachments: ${held} held, room for ${room} more)`,
    { field, limit, held },
  );
}
