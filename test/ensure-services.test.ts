import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './pipeline-helpers';

/**
 * scripts/ensure-services.sh decides what a machine needs; in a dry run it prints the commands
 * instead of running them. Each case gives it a PATH holding only the basic tools it uses plus
 * stubs (so Postgres and Redis look missing, stopped or picky), ports where nothing listens,
 * a chosen distribution and a chosen uid.
 */

const SCRIPT = resolve(__dirname, '../scripts/ensure-services.sh');
/** What the script may use besides the services' own commands. */
const BASICS = 'bash env id timeout seq sleep tr awk grep sort tail find mktemp cat rm'.split(' ');
const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=40\n';
/** A stub that must never run in a dry run. */
const MUST_NOT_RUN = '#!/bin/sh\necho "stub $(basename "$0") ran" >&2\nexit 97\n';

interface Machine {
  os?: string;
  uid?: number;
  stubs?: Record<string, string>;
  env?: Record<string, string>;
}

let root: string;
let pgPort: number;
let redisPort: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ensure-services-'));
  pgPort = await freePort();
  redisPort = await freePort();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function ensureServices(m: Machine) {
  const dir = join(root, `m${n++}`);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  for (const tool of BASICS) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (!found) throw new Error(`${tool} not found on this machine`);
    symlinkSync(found, join(bin, tool));
  }
  for (const [name, body] of Object.entries(m.stubs ?? {})) {
    writeFileSync(join(bin, name), body);
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'os-release'), m.os ?? DEBIAN);
  const res = spawnSync(join(bin, 'bash'), [SCRIPT], {
    encoding: 'utf8',
    env: {
      PATH: bin,
      HOME: dir,
      DB_HOST: '127.0.0.1',
      DB_PORT: String(pgPort),
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redisPort),
      ENSURE_SERVICES_DRY_RUN: '1',
      ENSURE_SERVICES_UID: String(m.uid ?? 0),
      ENSURE_SERVICES_OS_RELEASE: join(dir, 'os-release'),
      ENSURE_SERVICES_PG_ETC: join(dir, 'etc-postgresql'),
      ...m.env,
    },
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

const exit = (code: number) => `#!/bin/sh\nexit ${code}\n`;
/** Debian's tools for an installed, stopped cluster 15/main on the test's port. */
const installedStopped = () => ({
  pg_isready: exit(2),
  pg_lsclusters: `#!/bin/sh\necho "15 main ${pgPort} down postgres /var/lib/postgresql/15/main /var/log/postgresql/postgresql-15-main.log"\n`,
  pg_ctlcluster: MUST_NOT_RUN,
  'redis-server': MUST_NOT_RUN,
});

describe('scripts/ensure-services.sh on a fresh machine', () => {
  it('installs Postgres and Redis from the Debian packages when run as root, then starts them', () => {
    const r = ensureServices({ uid: 0, stubs: { 'apt-get': MUST_NOT_RUN } });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('+ env DEBIAN_FRONTEND=noninteractive apt-get update');
    expect(r.out).toContain(
      '+ env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql redis-server',
    );
    expect(r.out).toContain('+ pg_ctlcluster --skip-systemctl-redirect');
    expect(r.out).toContain(`+ redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${redisPort}`);
    expect(r.out).toContain('(dry run: nothing was changed)');
  });

  it('does the same on Ubuntu', () => {
    const r = ensureServices({ os: UBUNTU, uid: 0, stubs: { 'apt-get': MUST_NOT_RUN } });
    expect(r.code).toBe(0);
    expect(r.out).toContain('apt-get install -y postgresql redis-server');
  });

  it('tells a user who is not root the exact command, and changes nothing', () => {
    const r = ensureServices({ uid: 1000, stubs: { 'apt-get': MUST_NOT_RUN } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('sudo apt-get install -y postgresql redis-server');
    expect(r.err).toContain('sudo bash scripts/ensure-services.sh');
    expect(r.out).not.toContain('+ ');
  });

  it('installs only what is missing', () => {
    const r = ensureServices({
      uid: 0,
      stubs: { 'apt-get': MUST_NOT_RUN, pg_isready: exit(0), psql: exit(0) },
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('apt-get install -y redis-server');
    expect(r.out).not.toMatch(/install -y .*postgresql/);
    expect(r.out).not.toContain('pg_ctlcluster');
  });

  it('names the packages on a distribution it does not install on', () => {
    const r = ensureServices({ os: FEDORA, uid: 0, stubs: { 'apt-get': MUST_NOT_RUN } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('sudo dnf install -y postgresql-server postgresql-contrib redis');
    expect(r.err).not.toContain('apt-get');
    expect(r.out).not.toContain('+ ');
  });
});

describe('scripts/ensure-services.sh with the services installed', () => {
  it('starts a stopped cluster and a stopped Redis', () => {
    const r = ensureServices({ uid: 0, stubs: { ...installedStopped(), 'apt-get': MUST_NOT_RUN } });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('apt-get');
    expect(r.out).toContain('+ pg_ctlcluster --skip-systemctl-redirect 15 main start');
    expect(r.out).toContain(
      `+ redis-server --daemonize yes --bind 127.0.0.1 -::1 --port ${redisPort} --save  --appendonly no`,
    );
  });

  it('tells a user who may not start the cluster how to', () => {
    const r = ensureServices({ uid: 1000, stubs: installedStopped() });
    expect(r.code).toBe(1);
    expect(r.err).toContain('sudo pg_ctlcluster --skip-systemctl-redirect 15 main start');
  });

  const passwordRefused = () => ({
    ...installedStopped(),
    pg_isready: exit(0),
    psql: '#!/bin/sh\necho \'psql: error: connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "postgres"\' >&2\nexit 2\n',
  });

  it('lets the postgres user in over TCP from this machine when a fresh cluster asks for a password', () => {
    const r = ensureServices({ uid: 0, stubs: passwordRefused() });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/put first in .*etc-postgresql\/15\/main\/pg_hba\.conf/);
    expect(r.out).toContain('host all postgres 127.0.0.1/32 trust');
    expect(r.out).toContain('host all postgres ::1/128 trust');
    expect(r.out).toContain('+ pg_ctlcluster --skip-systemctl-redirect 15 main reload');
  });

  it('says how when it may not change pg_hba.conf', () => {
    const r = ensureServices({ uid: 1000, stubs: passwordRefused() });
    expect(r.code).toBe(1);
    expect(r.err).toContain('sudo bash scripts/ensure-services.sh');
    expect(r.err).toContain('host all postgres 127.0.0.1/32 trust');
    expect(r.err).toContain('DB_PASSWORD');
  });

  it('leaves authentication alone when a password is configured', () => {
    const r = ensureServices({ uid: 0, stubs: passwordRefused(), env: { DB_PASSWORD: 'secret' } });
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('trust');
  });

  it('installs nothing for a server on another machine', () => {
    const r = ensureServices({
      uid: 0,
      stubs: { 'apt-get': MUST_NOT_RUN },
      env: { DB_HOST: '10.255.255.1' },
    });
    expect(r.code).toBe(1);
    expect(r.err).toContain('not this machine');
    expect(r.out).not.toContain('apt-get');
  });
});
