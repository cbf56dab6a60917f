import { DataSource } from 'typeorm';
import { AppConfig, Clock, dataSourceOptions, parseEd25519PublicKeys } from '@yg/core';
import { auditChain, AuditChainService, ChainAudit, DirectoryCheckpointStore, isTenantId } from '@yg/audit';

export const AUDIT_VERIFY_USAGE = `audit:verify --tenant <id> [--checkpoints <dir>] [--public-key <base64>]…
                     check a consortium's audit chain in the database and against the signed
                     checkpoints in <dir> (default AUDIT_CHECKPOINT_DIR); trusts only the given
                     public keys (default: AUDIT_CHECKPOINT_PUBLIC_KEYS and the signer's own).
                     Exit code 0: both hold; 1: they do not`;

export class UsageError extends Error {}

function parseArgs(args: string[]): { tenant: string; dir?: string; keys: string[] } {
  let tenant: string | undefined;
  let dir: string | undefined;
  const keys: string[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new UsageError(`${flag} needs a value`);
    if (flag === '--tenant') tenant = value;
    else if (flag === '--checkpoints') dir = value;
    else if (flag === '--public-key') keys.push(value);
    else throw new UsageError(`unknown option ${flag}`);
  }
  if (!tenant || !isTenantId(tenant)) throw new UsageError('--tenant <id> must be a consortium id (uuid)');
  return { tenant, dir, keys };
}

/** Runs the auditor's check; writes a report through `out` and returns the exit code. */
export async function auditVerify(
  config: AppConfig,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const { tenant, dir, keys } = parseArgs(args);
  const location = dir ?? config.audit.checkpointDir;
  if (!location) throw new UsageError('--checkpoints <dir> is required when AUDIT_CHECKPOINT_DIR is not set');
  const trusted = keys.length ? parseEd25519PublicKeys(keys.join(',')) : config.audit.checkpointTrustedKeys;
  if (!trusted.length) {
    throw new UsageError(
      'no public key to check checkpoints with: give --public-key or set AUDIT_CHECKPOINT_PUBLIC_KEYS',
    );
  }
  const ds = new DataSource(dataSourceOptions(config, { entities: [], migrations: [] }));
  await ds.initialize();
  try {
    const chain = new AuditChainService(ds, new Clock(), config);
    const report = await auditChain(chain, new DirectoryCheckpointStore(location), tenant, trusted);
    render(report, location, out);
    return report.ok ? 0 : 1;
  } finally {
    await ds.destroy();
  }
}

function render(r: ChainAudit, location: string, out: (line: string) => void): void {
  out(`审计链核验 Audit chain check · tenant ${r.tenantId}`);
  const c = r.chain;
  out(
    c.ok
      ? `  chain        ok: ${c.checked} link(s) verified, ${c.unsealed} event(s) waiting to be sealed`
      : `  chain        BROKEN at link ${c.brokenAtSeq}${c.brokenEventId ? ` (event ${c.brokenEventId})` : ''}: ${c.reason}`,
  );
  const latest = r.latest
    ? `; latest: link ${r.latest.seq}, signed ${r.latest.at}` +
      (r.head ? `, ${BigInt(r.head.seq) - BigInt(r.latest.seq)} link(s) sealed since` : '')
    : '';
  out(`  checkpoints  ${r.lines} line(s) in ${location}, ${r.confirmed} confirmed${latest}`);
  for (const w of r.warnings) out(`  warning      ${w}`);
  for (const p of r.problems) {
    const at = [p.seq !== undefined ? `checkpoint seq ${p.seq}` : null, p.line ? `line ${p.line}` : null]
      .filter(Boolean)
      .join(', ');
    out(`  FAILED       ${at ? `${at}: ` : ''}${p.message}`);
  }
  out(r.ok ? '结果 result: OK' : '结果 result: FAILED');
}
