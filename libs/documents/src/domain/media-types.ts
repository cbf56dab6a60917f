/**
 * The kinds of clinical document the store keeps, known by their first bytes, never by the
 * name or the type a browser declared: what is served back is what was recognised, so an
 * HTML page or a script renamed `.pdf` is refused at the door.
 */
export interface DocumentKind {
  mediaType: string;
  extension: string;
  label: string;
}

const PDF: DocumentKind = { mediaType: 'application/pdf', extension: '.pdf', label: 'PDF' };
const JPEG: DocumentKind = { mediaType: 'image/jpeg', extension: '.jpg', label: 'JPEG' };
const PNG: DocumentKind = { mediaType: 'image/png', extension: '.png', label: 'PNG' };
const DICOM: DocumentKind = { mediaType: 'application/dicom', extension: '.dcm', label: 'DICOM' };

export const DOCUMENT_KINDS = [PDF, JPEG, PNG, DICOM] as const;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The kind a file's first bytes show, or null when it is none the store keeps. */
export function recognise(head: Buffer): DocumentKind | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return PDF;
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return JPEG;
  if (head.subarray(0, 8).equals(PNG_MAGIC)) return PNG;
  // DICOM Part 10: a 128-byte preamble, then "DICM".
  if (head.subarray(128, 132).toString('latin1') === 'DICM') return DICOM;
  return null;
}

/** The name with the extension of its recognised kind (`心电图` → `心电图.jpg`, `x.html` → `x.html.pdf`). */
export function nameFor(fileName: string, kind: DocumentKind): string {
  const lower = fileName.toLowerCase();
  const fits =
    kind === JPEG ? lower.endsWith('.jpg') || lower.endsWith('.jpeg') : lower.endsWith(kind.extension);
  return fits ? fileName : `${fileName}${kind.extension}`;
}
