// Turns SocialEQ words' fitted EQ settings into labelled training examples: a few jittered copies each, more for better-supported words.

import { PARAMS } from '../eq/bands.js';
import { denormalise, normalise, type NormStats } from './normalise.js';
import { seededRng, type Rng } from './random.js';
import { sortPeakingBands, type TermExample } from './terms.js';

/** A word as the examples builder needs it: its term, the settings fitted to its calibrated curve, and its support. */
export interface WordSettings {
  readonly term: string;
  /** 13 physical parameters in PARAMS order. */
  readonly params: readonly number[];
  readonly contributors: number;
  /** 0..1 */
  readonly agreement: number;
}

export interface SocialExampleOptions {
  /** Copies for the best-supported words; every word gets at least two, so the contrastive loss has a positive pair. */
  readonly maxCopies: number;
  /** Standard deviation of the jitter, in units of the training data's spread (the normalised space). */
  readonly jitter: number;
  readonly seed: number;
}

/** Contributors at which a word counts as fully supported: more people add no further copies. */
const FULL_SUPPORT = 16;

/**
 * How much a word should weigh, 0..1: its agreement times its support on a log scale (2 people count little, 16 or
 * more fully), because one person's curve or a word people disagreed on is a weaker description.
 */
export function wordWeight(contributors: number, agreement: number): number {
  const support = Math.min(1, Math.log2(1 + Math.max(0, contributors)) / Math.log2(1 + FULL_SUPPORT));
  return Math.min(1, Math.max(0, agreement)) * support;
}

export function copiesFor(contributors: number, agreement: number, maxCopies: number): number {
  const extra = Math.max(0, maxCopies - 2);
  return 2 + Math.round(extra * wordWeight(contributors, agreement));
}

/** A standard normal draw (Box–Muller) from a uniform generator. */
function gaussian(rng: Rng): number {
  const u = 1 - rng(); // (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function clampToRanges(params: readonly number[]): number[] {
  return params.map((v, i) => Math.min(PARAMS[i]!.range.max, Math.max(PARAMS[i]!.range.min, v)));
}

/**
 * Each word's first copy is its fitted settings exactly; the others are moved by Gaussian noise in the normalised space
 * (so a frequency moves by a share of an octave spread, not of its Hz value), clamped to the band ranges with the
 * peaking bands re-sorted, as every SAFE example is. Seeded: the same words and options give the same examples.
 */
export function socialEqExamples(words: readonly WordSettings[], stats: NormStats, opts: SocialExampleOptions): TermExample[] {
  const rng = seededRng(opts.seed);
  const out: TermExample[] = [];
  for (const w of words) {
    const n = copiesFor(w.contributors, w.agreement, opts.maxCopies);
    const z = normalise(clampToRanges(w.params), stats);
    for (let c = 0; c < n; c++) {
      const moved = c === 0 ? z : z.map((v) => v + opts.jitter * gaussian(rng));
      out.push({ term: w.term, params: sortPeakingBands(clampToRanges(denormalise(moved, stats))), line: 0 });
    }
  }
  return out;
}
