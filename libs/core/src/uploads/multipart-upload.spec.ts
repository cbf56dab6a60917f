import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadInputError } from '../errors/domain-errors';
import { FileHandler, MultipartFileReceiver, UnsupportedMediaTypeError } from './multipart-upload';

/**
 * The receiver behind a bare HTTP server, no database: the requests a careless or hostile client
 * sends must end in an error for that request, never in an error the process cannot catch.
 */
describe('MultipartFileReceiver', () => {
  let server: Server;
  let port: number;
  let outcome: Promise<unknown>;
  const receiver = new MultipartFileReceiver(() => ({ maxBytes: 1024 * 1024, concurrency: 2 }));
  /** Refuses a name without .csv before reading, as the upload services refuse a wrong type. */
  const onFile: FileHandler<number> = async (_fields, stream, info) => {
    if (!info.filename?.endsWith('.csv')) throw new UnsupportedMediaTypeError('csv only');
    let n = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) n += chunk.length;
    return n;
  };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      outcome = receiver.receive(req, onFile);
      outcome.then(
        (n) => res.end(`stored ${String(n)}`),
        (err: Error) => res.end(`refused ${err.constructor.name}`),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  async function send(body: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=xx' },
      body,
    });
    const text = await res.text();
    // An unhandled stream error surfaces on a later turn of the event loop.
    await new Promise((r) => setTimeout(r, 50));
    return text;
  }

  const part = (field: string, filename: string, content: string) =>
    `--xx\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
    `Content-Type: text/csv\r\n\r\n${content}`;

  it('stores a well-formed upload', async () => {
    expect(await send(`${part('file', 'a.csv', 'a,b')}\r\n--xx--\r\n`)).toBe('stored 3');
  });

  it('refuses a file sent under another field name', async () => {
    expect(await send(`${part('upload', 'a.csv', 'a,b')}\r\n--xx--\r\n`)).toBe('refused BadInputError');
    await expect(outcome).rejects.toBeInstanceOf(BadInputError);
  });

  it('refuses a file the handler rejects in a body that never ends its part', async () => {
    expect(await send(part('file', 'data', '\xff\xfebad'))).toBe('refused UnsupportedMediaTypeError');
  });

  it('refuses a body cut off inside the file', async () => {
    expect(await send(part('file', 'a.csv', 'a,b'))).toBe('refused BadInputError');
  });
});
