import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  formatCheckpointLine,
  isTenantId,
  parseCheckpointLine,
  SignedCheckpoint,
} from '../domain/checkpoint';
import type { CheckpointStore, StoredCheckpoint } from './checkpoint-store';

/** Enough for the last complete line: a checkpoint line is about 400 bytes. */
const TAIL_BYTES = 16 * 1024;

/**
 * One append-only JSON-lines file per tenant (`<dir>/<tenantId>.jsonl`), each line flushed to
 * disk before the write counts. A line torn by a crash is left as it is and skipped.
 */
export class DirectoryCheckpointStore implements CheckpointStore {
  readonly location: string;

  constructor(dir: string) {
    this.location = resolve(dir);
  }

  private file(tenantId: string): string {
    if (!isTenantId(tenantId)) throw new Error(`not a tenant id: ${tenantId}`);
    return join(this.location, `${tenantId}.jsonl`);
  }

  async latest(tenantId: string): Promise<SignedCheckpoint | null> {
    let fh;
    try {
      fh = await open(this.file(tenantId), constants.O_RDONLY);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const { size } = await fh.stat();
      const length = Math.min(size, TAIL_BYTES);
      const buf = Buffer.alloc(length);
      await fh.read(buf, 0, length, size - length);
      const lines = buf.toString('utf8').split('\n');
      // The last element is '' after a complete line, or a torn one; the first may be cut.
      for (let i = lines.length - 2; i >= (length < size ? 1 : 0); i--) {
        try {
          return parseCheckpointLine(lines[i]);
        } catch {
          // Not a checkpoint; look at the line before.
        }
      }
      return null;
    } finally {
      await fh.close();
    }
  }

  async append(checkpoint: SignedCheckpoint): Promise<void> {
    await mkdir(this.location, { recursive: true });
    const fh = await open(this.file(checkpoint.tenantId), 'a+');
    try {
      const { size } = await fh.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        // After a torn write, start on a line of our own.
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await fh.appendFile(`${prefix}${formatCheckpointLine(checkpoint)}\n`, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  async read(tenantId: string): Promise<StoredCheckpoint[]> {
    let text: string;
    try {
      text = await readFile(this.file(tenantId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const lines = text.split('\n');
    const out: StoredCheckpoint[] = [];
    lines.forEach((line, i) => {
      const isLast = i === lines.length - 1;
      if (isLast && line === '') return;
      try {
        out.push({ line: i + 1, checkpoint: parseCheckpointLine(line) });
      } catch (err) {
        // A line cut short by a crash mid-write (never closed) is incomplete, not forged.
        const incomplete = isLast || (line.startsWith('{') && !line.trimEnd().endsWith('}'));
        out.push({ line: i + 1, error: (err as Error).message, incomplete });
      }
    });
    return out;
  }
}
