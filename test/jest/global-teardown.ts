import './paths';
import { rmSync } from 'node:fs';
import { dropDatabase } from '@yg/schema/migrate';
import { TEMPLATE_DB_ENV, TEST_LOG_FILE_ENV, testConfig } from '../utils/config';
import { findPersonalData } from '../utils/log-scan';

export default async function globalTeardown(): Promise<void> {
  const name = process.env[TEMPLATE_DB_ENV];
  if (name) await dropDatabase(testConfig({ DB_NAME: name }));
  const file = process.env[TEST_LOG_FILE_ENV];
  if (!file) return;
  const found = await findPersonalData(file);
  if (!process.env.YG_TEST_KEEP_LOG) rmSync(file, { force: true });
  if (found.length) {
    // Where, never what: the numbers themselves stay out of the report too.
    const where = found
      .slice(0, 20)
      .map((f) => `  line ${f.line}: ${f.kind} in a "${f.context}" line, request ${f.requestId ?? '-'}`);
    throw new Error(`Personal data in the logs of this run (${found.length} line(s)):\n${where.join('\n')}`);
  }
}
