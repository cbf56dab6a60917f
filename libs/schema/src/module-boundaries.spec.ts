import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Each capability reads and writes its own tables; another capability's data comes through its
 * service or the views and functions it publishes (network_*, user_directory, patient_summary,
 * patient_visible_to …). Ownership is read from the migrations: a table belongs to the library
 * whose migration creates it.
 */
const LIBS = join(__dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const libs = readdirSync(LIBS).filter((l) => statSync(join(LIBS, l, 'src')).isDirectory());
const owner = new Map<string, string>();
for (const lib of libs) {
  for (const f of files(join(LIBS, lib, 'src')).filter((p) => p.includes('/migrations/'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)) {
      if (!owner.has(m[1])) owner.set(m[1], lib);
    }
  }
}

/** Where a module's source touches a table another module owns, as `file: table`. */
function crossings(lib: string): string[] {
  const found: string[] = [];
  const sources = files(join(LIBS, lib, 'src')).filter(
    (p) => !p.includes('/migrations/') && !p.endsWith('.spec.ts') && !p.includes('/testdata/'),
  );
  for (const f of sources) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b/g)) {
      const table = m[1];
      const by = owner.get(table);
      if (by && by !== lib) found.push(`${relative(LIBS, f)}: ${table} (${by})`);
    }
    // An entity of another library used through the ORM reads its table just the same.
    for (const imp of text.matchAll(/import \{([^}]*)\} from '@yg\/([a-z-]+)'/g)) {
      if (imp[2] === lib || imp[2] === 'core') continue;
      for (const name of imp[1].split(',').map((n) => n.trim().replace(/^type /, ''))) {
        if (/Entity$/.test(name) && new RegExp(`getRepository\\(${name}\\)`).test(text)) {
          found.push(`${relative(LIBS, f)}: ${name} (${imp[2]})`);
        }
      }
    }
  }
  return [...new Set(found)].sort();
}

describe('module boundaries', () => {
  it('knows who owns the tables it checks', () => {
    expect(owner.get('institution')).toBe('network');
    expect(owner.get('app_user')).toBe('identity');
    expect(owner.get('patient')).toBe('patients');
    expect(owner.get('referral')).toBe('referrals');
    expect(owner.get('consultation')).toBe('consultations');
  });

  // The seed writes a demo consortium's data the way its systems would have, table by table.
  const CHECKED = libs.filter((l) => l !== 'seed');

  it('checks every capability', () => {
    expect(CHECKED).toEqual(
      expect.arrayContaining([
        'assessment',
        'drugs',
        'identity',
        'indicators',
        'intake',
        'notifications',
        'unification',
      ]),
    );
  });

  it.each(CHECKED)('%s reads no other capability’s tables', (lib) => {
    expect(crossings(lib)).toEqual([]);
  });

  it('sees a crossing where there is one', () => {
    // The check must name a real one, or the rest would pass for want of looking.
    expect(crossings('seed')).toContain('seed/src/seed.ts: institution (network)');
  });
});
