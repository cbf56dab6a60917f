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
