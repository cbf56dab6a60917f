/** The matcher's public types; see matcher.ts for what the tiers mean. */

export interface FormularyTarget {
  id: string;
  nationalCode: string | null;
  productKey: string | null;
  genericName: string;
  dosageForm: string;
  spec: string | null;
  maker: string | null;
}

export interface LocalDrug {
  localCode?: string | null;
  nationalCode?: string | null;
  brandName?: string | null;
  genericName: string;
  dosageForm?: string | null;
  spec?: string | null;
  maker?: string | null;
  packFactor?: number | null;
}

/** One brand → generic pair; a brand may appear in several pairs. */
export interface BrandAlias {
  brand: string;
  /** Generic product name, usually with its form (`硝苯地平控释片`). */
  generic: string;
  maker?: string | null;
}

export type MatchTier = 'NATIONAL_CODE' | 'EXACT' | 'CANDIDATE';

export interface MatchProposal {
  targetId: string;
  tier: MatchTier;
  /** 0..1; 1 only for a confirmed national-code or exact match from the same maker. */
  score: number;
  /** zh + en, what agreed and what did not. */
  reasons: string[];
  /** zh + en, the differences a pharmacist must look at (salt, release, substring, variant…). */
  warnings: string[];
}

export type MatchStatus = 'AUTO_CONFIRMED' | 'PROPOSED' | 'UNMATCHED' | 'INVALID';

export interface MatchResult {
  status: MatchStatus;
  /** The confirmed proposal (also first in `proposals`), when AUTO_CONFIRMED. */
  auto: MatchProposal | null;
  /** Best first, at most `maxProposals`, all at or above `proposeThreshold`. */
  proposals: MatchProposal[];
  /** Why INVALID (zh + en). */
  problems: string[];
}

export interface DrugMatcherOptions {
  /**
   * Brand → generic pairs, as a list (a brand may repeat) or a map from brand to one generic or
   * several.
   */
  aliases?: Iterable<BrandAlias> | ReadonlyMap<string, string | readonly string[]>;
  /** Proposals scoring below this are dropped. Default 0.5. */
  proposeThreshold?: number;
  /** Default 5. */
  maxProposals?: number;
  /** How many bigram candidates are scored in full. Default 40. */
  candidateLimit?: number;
}
