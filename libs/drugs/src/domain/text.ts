/**
 * Text as catalogues write it, folded to one spelling: NFKC (full-width letters, digits and ASCII
 * punctuation, ㎎, Ⅰ/Ⅱ → I/II), plus the CJK punctuation NFKC leaves alone (【】〔〕 → (),
 * 、 → ",", × → *, dashes and tildes → -). Names also lose their spaces, get upper-case Latin
 * letters and one spelling for substances written two ways.
 */
/** CJK punctuation and symbols that NFKC leaves as they are. */
const PUNCTUATION: [RegExp, string][] = [
  [/[【〔［〖〈《「『]/g, '('],
  [/[】〕］〗〉》」』]/g, ')'],
  [/\[/g, '('],
  [/\]/g, ')'],
  [/[、，]/g, ','],
  [/[；]/g, ';'],
  [/[×✕╳]/g, '*'],
  [/[‐‑‒–—―−～〜]/g, '-'],
  [/~/g, '-'],
  [/[·•・]/g, '·'],
  [/[‘’“”"']/g, ''],
];

/** NFKC plus the CJK punctuation it misses; whitespace collapsed to one space and trimmed. */
export function normalizeText(input: string): string {
  let s = input.normalize('NFKC');
  for (const [re, to] of PUNCTUATION) s = s.replace(re, to);
  return s.replace(/\s+/g, ' ').trim();
}

/** Spellings of one substance that differ by a character variant or a prefix convention. */
const NAME_VARIANTS: [RegExp, string][] = [
  [/䓬/g, '卓'],
  [/噁/g, '恶'],
  [/左旋(?!多巴)/g, '左'],
  [/低分子(?!量)/g, '低分子量'],
  // Ingredients of a combination joined by / or - (氯喹那多/普罗雌烯, 氯喹那多-普罗雌烯).
  [/(?<=[\u4e00-\u9fff])[-/·](?=[\u4e00-\u9fff])/g, '/'],
];

/** A name as compared: normalised text, no spaces, Latin letters upper case. */
export function normalizeName(input: string): string {
  let s = normalizeText(input).replace(/\s+/g, '').toUpperCase();
  for (const [re, to] of NAME_VARIANTS) s = s.replace(re, to);
  return s;
}
