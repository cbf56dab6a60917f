import 'reflect-metadata';
import { ConfigError, loadConfig } from '@yg/core';
import { createApiApp } from './bootstrap';

async function main() {
  process.env.YG_PROCESS_NAME ??= 'api';
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen(config.port);
  const url = `http://localhost:${config.port}/graphql`;
  const consoleUrl = `http://localhost:${config.port}/console`;
  process.stdout.write(
    JSON.stringify({
      level: 30,
      time: new Date().toISOString(),
      msg: `GraphQL ready at ${url}, console at ${consoleUrl}`,
      url,
      consoleUrl,
    }) + '\n',
  );
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`api failed to start: ${(err as Error).stack ?? err}\n`);
  }
  process.exit(1);
});
