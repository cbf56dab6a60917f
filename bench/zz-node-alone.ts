import { Readable } from 'node:stream';
import { csv, records } from './intake-data';
import { ENCOUNTER_HEADERS, parseEncounter } from '../libs/intake/src/domain/records';
import { encounterLine } from '../libs/intake/src/intake-merge.repository';
import { readRecords } from '../libs/intake/src/files/intake-file-reader';
async function main() {
  const bytes = Buffer.from(csv(records(100000)), 'utf8');
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    let n = 0, size = 0;
    for await (const batch of readRecords(Readable.from([bytes]), 'CSV', ENCOUNTER_HEADERS, ['sourceRecordId'])) {
      let out = '';
      for (const rec of batch) {
        const p = parseEncounter(rec.record!, '2099-12-31', (v) => v);
        if (p.ok) out += encounterLine(++n, p.row);
      }
      size += out.length;
    }
    console.log(k, Math.round(performance.now() - t0), size);
  }
}
main();
