import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import type { AppConfig } from '@yg/core';
import { createApiApp } from '../../api/src/bootstrap';

/** The api's schema as SDL, sorted so that the committed copy diffs cleanly. */
export async function printSchemaOf(config: AppConfig): Promise<string> {
  // No metrics listener: printing the schema beside a running api must not contend for its port.
  const app = await createApiApp({ ...config, logLevel: 'warn', metrics: { ...config.metrics, apiPort: 0 } });
  try {
    await app.init();
    const { schema } = app.get(GraphQLSchemaHost);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
}
