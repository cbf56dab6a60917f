import './paths';
import { dropDatabase } from '@yg/schema/migrate';
import { TEMPLATE_DB_ENV, testConfig } from '../utils/config';

export default async function globalTeardown(): Promise<void> {
  const name = process.env[TEMPLATE_DB_ENV];
  if (!name) return;
  await dropDatabase(testConfig({ DB_NAME: name }));
}
