import { execFile } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../pipeline-helpers';

const run = promisify(execFile);

/**
 * A private PostgreSQL cluster on a free port, for tests that stop or restart the database.
 * Never the shared server on 5432. Postgres refuses to run as root, so as root the cluster
 * belongs to (and runs as) the `postgres` user.
 */
export interface ThrowawayPostgres {
  port: number;
  /** Fast shutdown: sessions are ended (57P01), new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes its files. */
  destroy(): Promise<void>;
}

async function binDir(): Promise<string> {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = (await readdir(base))
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (existsSync(join(base, v, 'bin', 'pg_ctl'))) return join(base, v, 'bin');
  }
  const { stdout } = await run('pg_config', ['--bindir']);
  return stdout.trim();
}

export async function startPostgres(): Promise<ThrowawayPostgres> {
  const bin = await binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'yg-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { cwd: dir })
      : run(join(bin, tool), args, { cwd: dir });

  const port = await freePort();
  await pg('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const ctl = (...args: string[]) => pg('pg_ctl', ['-D', data, '-w', '-t', '30', ...args]);
  const start = async () => void (await ctl('-o', options, '-l', join(dir, 'log'), 'start'));
  await start();
  return {
    port,
    start,
    stop: async () => void (await ctl('-m', 'fast', 'stop')),
    restart: async () => void (await ctl('-m', 'fast', '-o', options, '-l', join(dir, 'log'), 'restart')),
    destroy: async () => {
      await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
