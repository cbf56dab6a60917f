import { BadInputError } from '@yg/core';

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

/** How many attachments one referral or consultation holds at most, those added later included. */
export const MAX_ATTACHMENTS = 20;

/** BAD_USER_INPUT when adding `adding` to the `held` a record has would pass MAX_ATTACHMENTS. */
export function assertRoomForAttachments(held: number, adding: number, field: string): void {
  if (held + adding <= MAX_ATTACHMENTS) return;
  throw new BadInputError(
    `附件最多 ${MAX_ATTACHMENTS} 个,已有 ${held} 个,本次最多再添加 ${Math.max(0, MAX_ATTACHMENTS - held)} 个 ` +
      `(at most ${MAX_ATTACHMENTS} attachments: ${held} held, room for ${Math.max(0, MAX_ATTACHMENTS - held)} more)`,
    { field, limit: MAX_ATTACHMENTS, held },
  );
}
