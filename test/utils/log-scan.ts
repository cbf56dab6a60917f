import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { residentIdCheckChar } from '@yg/patients/domain/resident-id';

export interface PersonalDataHit {
  line: number;
  kind: 'resident ID number' | 'mobile number';
  requestId?: string;
  context?: string;
}

// Stand-alone runs only: a longer run of digits or letters is something else (a UUID, a hash).
const ID_CANDIDATE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/;

/** A valid 居民身份证 number (GB 11643 check digit) or a mainland mobile number, anywhere in a line. */
export function personalDataIn(line: string): PersonalDataHit['kind'] | null {
  for (const m of line.matchAll(ID_CANDIDATE)) {
    if (residentIdCheckChar(m[0].slice(0, 17)) === m[0][17].toUpperCase()) return 'resident ID number';
  }
  return MOBILE.test(line) ? 'mobile number' : null;
}

/** Every line of a log file that holds an ID or mobile number, with where it came from. */
export async function findPersonalData(file: string): Promise<PersonalDataHit[]> {
  const hits: PersonalDataHit[] = [];
  let stream;
  try {
    stream = createReadStream(file, 'utf8');
    await new Promise<void>((resolve, reject) => {
      stream!.once('open', () => resolve());
      stream!.once('error', reject);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return hits;
    throw err;
  }
  let n = 0;
  for await (const line of createInterface({ input: stream })) {
    n++;
    const kind = personalDataIn(line);
    if (!kind) continue;
    let parsed: { requestId?: string; reqId?: string; context?: string } = {};
    try {
      parsed = JSON.parse(line);
    } catch {
      // Not JSON: report the line number alone.
    }
    hits.push({ line: n, kind, requestId: parsed.requestId ?? parsed.reqId, context: parsed.context });
  }
  return hits;
}
