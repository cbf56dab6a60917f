import 'reflect-metadata';
import { ConfigError, loadConfig } from '@yg/core';
import { createWorker } from './bootstrap';

async function main() {
  process.env.YG_PROCESS_NAME ??= 'worker';
  const app = await createWorker(loadConfig());
  await app.init();
  app.flushLogs();
  process.stdout.write(
    JSON.stringify({
      level: 30,
      time: new Date().toISOString(),
      name: 'worker',
      pid: process.pid,
      msg: 'worker ready',
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(
    err instanceof ConfigError
      ? `${err.message}\n`
      : `worker failed to start: ${(err as Error).stack ?? err}\n`,
  );
  process.exit(1);
});
