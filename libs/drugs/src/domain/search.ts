/** A LIKE pattern matching `text` anywhere, with LIKE's own characters taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const CODE_PREFIX = /^[XZ][A-Z0-9]{0,22}$/;

/**
 * A search that looks like the start of a national code, as a half-open range [lo, hi) over
 * codes (an index range, whatever the collation does with LIKE); null for a name search.
 */
export function codePrefixRange(search: string): { prefix: string; lo: string; hi: string } | null {
  const prefix = search.trim().toUpperCase();
  if (!CODE_PREFIX.test(prefix)) return null;
  const last = prefix.charCodeAt(prefix.length - 1);
  return { prefix, lo: prefix, hi: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

/** A spec as compared for uniqueness on the unified list: width-folded, lower case, no spaces. */
export function specKey(spec: string | null | undefined): string {
  return (spec ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}
