import { randomBytes } from 'node:crypto';
import type { TestApi } from './api';

/** A small file the document store recognises as a PDF. */
export const samplePdf = (text = randomBytes(8).toString('hex')) =>
  Buffer.from(`%PDF-1.7\n1 0 obj << /Title (${text}) >> endobj\n%%EOF\n`, 'latin1');

/** `POST /documents` as a browser sends it (no token when `token` is null). */
export function uploadDocument(
  api: TestApi,
  token: string | null,
  file: Buffer,
  name: string,
  contentType = 'application/pdf',
) {
  const req = api.http.post('/documents');
  if (token) req.set('authorization', `Bearer ${token}`);
  return req.attach('file', file, { filename: name, contentType });
}

/** `GET <path>` (a document's uri) with its body as bytes, whatever the content type. */
export function downloadDocument(api: TestApi, token: string | null, path: string) {
  const req = api.http
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => done(null, Buffer.concat(parts)));
    });
  if (token) req.set('authorization', `Bearer ${token}`);
  return req;
}
