import type { KeyObject } from 'node:crypto';
import type { AuditChainService, ChainHead, ChainVerification } from '../audit-chain.service';
import { checkpointSignatureProblem, SignedCheckpoint } from '../domain/checkpoint';
import type { CheckpointStore } from './checkpoint-store';

export interface CheckpointProblem {
  line?: number;
  seq?: string;
  message: string;
}

export interface ChainAudit {
  ok: boolean;
  tenantId: string;
  chain: ChainVerification;
  head: ChainHead | null;
  lines: number;
  /** Checkpoints whose signature holds and whose link is in the chain as signed. */
  confirmed: number;
  latest: SignedCheckpoint | null;
  problems: CheckpointProblem[];
  warnings: string[];
}

/**
 * What an auditor runs: the chain verifies from its events, and every checkpoint stored
 * outside the database (signature checked with trusted public keys only) still names a link
 * of the chain with the same hash. An insider who holds the chain key can make the first
 * check pass after rewriting history; not the second.
 */
export async function auditChain(
  chain: AuditChainService,
  store: CheckpointStore,
  tenantId: string,
  trusted: KeyObject[],
): Promise<ChainAudit> {
  const verification = await chain.verify(tenantId);
  const head = await chain.head(tenantId);
  const stored = await store.read(tenantId);
  const problems: CheckpointProblem[] = [];
  const warnings: string[] = [];
  const signed: { line: number; cp: SignedCheckpoint }[] = [];
  for (const s of stored) {
    if ('error' in s) {
      if (s.incomplete) warnings.push(`第 ${s.line} 行不完整,已忽略 (line ${s.line} is incomplete, ignored)`);
      else
        problems.push({
          line: s.line,
          message: `第 ${s.line} 行无法读取 (line ${s.line} is unreadable): ${s.error}`,
        });
      continue;
    }
    const cp = s.checkpoint;
    const where = { line: s.line, seq: cp.seq };
    if (cp.tenantId !== tenantId) {
      problems.push({
        ...where,
        message: `检查点属于另一租户 (checkpoint of another tenant, ${cp.tenantId})`,
      });
      continue;
    }
    const bad = checkpointSignatureProblem(cp, trusted);
    if (bad) {
      problems.push({ ...where, message: bad });
      continue;
    }
    const previous = signed[signed.length - 1];
    if (previous && BigInt(cp.seq) < BigInt(previous.cp.seq)) {
      problems.push({
        ...where,
        message: `检查点顺序倒退 (checkpoint seq ${cp.seq} comes after seq ${previous.cp.seq})`,
      });
    }
    signed.push({ line: s.line, cp });
  }
  let confirmed = 0;
  for (let i = 0; i < signed.length; i += 1000) {
    const batch = signed.slice(i, i + 1000);
    const links = await chain.links(
      tenantId,
      batch.map((b) => b.cp.seq),
    );
    for (const { line, cp } of batch) {
      const link = links.get(cp.seq);
      const where = { line, seq: cp.seq };
      if (!link) {
        problems.push({
          ...where,
          message: `检查点 ${cp.seq} (${cp.at}) 的环已不在链中 (link ${cp.seq} of the checkpoint signed at ${cp.at} is no longer in the chain; its head is ${head?.seq ?? 'empty'})`,
        });
      } else if (link.hash !== cp.hash) {
        problems.push({
          ...where,
          message: `检查点 ${cp.seq} (${cp.at}) 与链不符,链已被改写 (link ${cp.seq} no longer has the hash signed at ${cp.at}: the chain was rewritten)`,
        });
      } else if (link.keyId !== cp.keyId) {
        problems.push({
          ...where,
          message: `检查点 ${cp.seq} 的密钥编号不符 (link ${cp.seq} now names key ${link.keyId}, the checkpoint ${cp.keyId})`,
        });
      } else {
        confirmed += 1;
      }
    }
  }
  const latest = signed.length ? signed[signed.length - 1].cp : null;
  if (head && !latest) {
    problems.push({ message: `没有检查点 (no checkpoint covers this chain of ${head.seq} links)` });
  }
  return {
    ok: verification.ok && problems.length === 0,
    tenantId,
    chain: verification,
    head,
    lines: stored.length,
    confirmed,
    latest,
    problems,
    warnings,
  };
}
