/** What a pharmacist reads beside a proposal: reasons (what agreed) and warnings, zh + en. */
import { FormComparison, formLabel, normalizeText } from './normalize';
import type { Scored } from './match-records';
import type { LocalDrug, MatchProposal, MatchTier } from './match-types';

/** The words behind a score: what agreed (reasons) and what a pharmacist must look at (warnings). */
export function explain(s: Scored, item: LocalDrug): { reasons: string[]; warnings: string[] } {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const { reading: r, target: t } = s;
  const a = r.name;
  const b = t.name;
  if (s.codeConflict)
    warnings.push(
      '医保代码与名称、剂型或规格不符，需人工核对 (the national code contradicts the name, form or strength)',
    );
  if (s.codeExact) reasons.push(`医保药品代码一致 (same national drug code): ${t.code!.code}`);
  else if (s.sameKey)
    reasons.push(`医保产品键一致（通用名+剂型）(same national product key): ${t.productKey}`);
  if (s.keysDiffer)
    warnings.push(`医保产品键不同 (different national product key): ${r.productKey} ↔ ${t.productKey}`);

  const va = a.variants.join(',') || '—';
  const vb = b.variants.join(',') || '—';
  switch (s.nameKind) {
    case 'SAME':
      reasons.push(`通用名一致 (same generic name): ${b.core}${b.variants.length ? `(${vb})` : ''}`);
      break;
    case 'VARIANTS':
      if (a.roman && b.roman && a.roman !== b.roman) {
        warnings.push(
          `型号（罗马数字）不同，是不同产品 (Roman-numeral variants differ: a different product): ${va} ↔ ${vb}`,
        );
      } else if (a.roman !== b.roman) {
        warnings.push(
          `一方未注明型号（罗马数字）(only one side gives the Roman-numeral variant): ${va} ↔ ${vb}`,
        );
      } else warnings.push(`名称附注不同 (name qualifiers differ): ${va} ↔ ${vb}`);
      break;
    case 'COMPOUND':
      warnings.push(
        `复方制剂与单方不同 (a compound preparation is not the single drug): ${a.core} ↔ ${b.core}`,
      );
      break;
    case 'SUBSTRING':
      warnings.push(
        `通用名仅部分相同，可能是另一药品 (one name contains the other: possibly another drug): ${a.core} ↔ ${b.core}`,
      );
      break;
    case 'SIMILAR':
      warnings.push(`通用名相近但不同 (similar but different generic names): ${a.core} ↔ ${b.core}`);
      break;
    case 'OTHER':
      if (!s.sameKey && !r.viaAlias)
        warnings.push(`通用名不同 (different generic names): ${a.core} ↔ ${b.core}`);
      break;
  }

  const sa = r.salts.join('+') || '—';
  const sb = t.salts.join('+') || '—';
  switch (s.saltKind) {
    case 'SAME':
      if (r.salts.length && s.nameKind === 'SAME') {
        reasons.push(
          `盐型一致 (same salt): ${sa}${r.saltFromBrand ? '（取自商品名栏 from the product-name column）' : ''}`,
        );
      }
      break;
    case 'KEY':
      reasons.push(`盐型写法不同但医保产品键相同 (salt differs, same national product key): ${sa} ↔ ${sb}`);
      break;
    case 'ONE_SIDE':
      warnings.push(`一方未注明盐型 (salt stated on one side only): ${sa} ↔ ${sb}`);
      break;
    case 'DIFFERENT':
      warnings.push(`盐型不同 (different salt): ${sa} ↔ ${sb}`);
      break;
  }

  if (s.formCmp && s.formPair) {
    const label = `${formLabel(s.formPair[0])} ↔ ${formLabel(s.formPair[1])}`;
    const messages: Record<FormComparison, string> = {
      SAME: `剂型一致 (same dosage form): ${formLabel(s.formPair[1])}`,
      COMPATIBLE: `剂型一方未细分 (one side leaves the form open): ${label}`,
      VARIANT: `剂型细类不同 (a different kind of the form): ${label}`,
      RELEASE: `释放类型不同（普通/缓释/控释/肠溶/分散…）(release differs): ${label}`,
      ROUTE: `给药途径不同 (route differs): ${label}`,
      FAMILY: `剂型不同 (different dosage form): ${label}`,
    };
    (s.formCmp === 'SAME' ? reasons : warnings).push(messages[s.formCmp]);
  } else warnings.push('剂型未注明 (dosage form not stated)');
  if (r.formConflict)
    warnings.push('名称中的剂型与剂型栏不一致 (the form in the name and the form field disagree)');
  if (t.formConflict)
    warnings.push("目录项名称中的剂型与剂型栏不一致 (the list item's name and form disagree)");

  (s.spec.verdict === 'EQUAL' ? reasons : warnings).push(s.spec.reason());

  if (s.sameMaker) reasons.push('生产企业一致 (same maker)');
  else if (s.makerDiffers) {
    reasons.push(
      `生产企业不同，不影响匹配 (different maker, noted): ${normalizeText(item.maker ?? '')} ↔ ${normalizeText(t.target.maker ?? '')}`,
    );
  }

  if (r.viaAlias) {
    reasons.push(`商品名对应通用名 (brand name resolved): ${r.viaAlias}`);
    if (r.aliasProducts > 1)
      warnings.push(`该商品名对应 ${r.aliasProducts} 个产品 (this brand names ${r.aliasProducts} products)`);
  }
  return { reasons, warnings };
}

export function toProposal(
  s: Scored,
  item: LocalDrug,
  auto: boolean,
  ambiguity: string | null,
): MatchProposal {
  const tier: MatchTier = auto ? (s.codeExact && !s.codeConflict ? 'NATIONAL_CODE' : 'EXACT') : 'CANDIDATE';
  const { reasons, warnings } = explain(s, item);
  if (auto && tier === 'EXACT') reasons.unshift('通用名、剂型、规格一致 (same generic, form and strength)');
  if (!auto && ambiguity && (s.exact || s.codeExact)) warnings.unshift(ambiguity);
  return { targetId: s.target.target.id, tier, score: s.score, reasons, warnings };
}
