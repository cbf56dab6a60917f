import type { UnificationItem } from './scorecard';

/**
 * The item versions a period is judged with: per code, the consortium's own version wins over
 * the template, then the highest version, among those created before the period ended (`end`,
 * the first instant after it). A template code with no version that old uses its first
 * template version, so periods before the scorecard existed are judged by the original items;
 * an item the consortium added later does not exist for periods that ended before it.
 */
export function versionsAt(all: readonly UnificationItem[], end: Date | null): UnificationItem[] {
  const byCode = new Map<string, UnificationItem[]>();
  for (const i of all) byCode.set(i.code, [...(byCode.get(i.code) ?? []), i]);
  const out: UnificationItem[] = [];
  for (const list of byCode.values()) {
    const ordered = [...list].sort(
      (a, b) => Number(b.tenantId !== null) - Number(a.tenantId !== null) || b.version - a.version,
    );
    const inForce =
      (end === null ? ordered[0] : ordered.find((i) => i.createdAt < end)) ??
      list.filter((i) => i.tenantId === null).sort((a, b) => a.version - b.version)[0];
    if (inForce) out.push(inForce);
  }
  return out.sort((a, b) => a.position - b.position || a.code.localeCompare(b.code));
}
