// Measures the paths a running bridge sends between the default vocabulary's words, and each word against its own curve.

import { paramsToBands } from '../eq/bands.js';
import { DEFAULT_GRID } from '../eq/grid.js';
import { pearson, responseDb, responseFromParams } from '../eq/response.js';
import { seededRng } from '../data/random.js';
import { SOCIALEQ_FREQS } from '../data/socialeq.js';
import type { EqModel } from '../model/eq-model.js';
import { pathMetrics, quantile, summarisePaths, type PathMetrics, type PathSummary } from '../model/path-metrics.js';
import { CachedDecoder } from './cached-decoder.js';
import { readPairTable } from './pair-table.js';

/** Pairs drawn at random from the default vocabulary (besides every pair among the best-supported words). */
export const SAMPLED_PAIRS = 300;
/** The best-supported words (most examples or contributors), every pair of which is measured. */
export const TOP_WORDS = 20;
/** α samples per path: Δα = 0.01. */
export const PATH_SAMPLES = 101;

export interface VocabularyPaths extends PathSummary {
  readonly seed: number;
  readonly samples: number;
  /** The worst pairs by backtrack, for a reader who wants to listen. */
  readonly worst: readonly { readonly pair: string; readonly backtrackDb: number; readonly lengthRatio: number; readonly midpointDb: number }[];
}

export interface WordAgreement {
  readonly words: number;
  readonly median: number;
  readonly p10: number;
  readonly below0p5: number;
  readonly worst: readonly { readonly term: string; readonly r: number }[];
}

/**
 * The measured pairs: a seeded sample of distinct unordered pairs of the default vocabulary, plus every pair among its
 * TOP_WORDS best-supported words. Deterministic for a vocabulary and seed.
 */
export function vocabularyPairs(terms: readonly { term: string; count: number }[], seed: number, sampled = SAMPLED_PAIRS, top = TOP_WORDS): [string, string][] {
  const names = terms.map((t) => t.term);
  const seen = new Set<string>();
  const out: [string, string][] = [];
  const add = (a: string, b: string) => {
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (a === b || seen.has(key)) return false;
    seen.add(key);
    out.push([a, b]);
    return true;
  };
  const best = terms
    .slice()
    .sort((x, y) => y.count - x.count || (x.term < y.term ? -1 : 1))
    .slice(0, top)
    .map((t) => t.term);
  best.forEach((a, i) => best.slice(i + 1).forEach((b) => add(a, b)));
  const rng = seededRng(seed);
  const possible = (names.length * (names.length - 1)) / 2;
  let drawn = 0;
  while (drawn < Math.min(sampled, possible - out.length + drawn)) {
    const a = names[Math.floor(rng() * names.length)]!;
    const b = names[Math.floor(rng() * names.length)]!;
    if (add(a, b)) drawn++;
  }
  return out;
}

/** A pair's path as the bridge sends it (its pair table read at evenly spaced α), as responses on the 200-point grid. */
export function bridgePathResponses(decoder: CachedDecoder, termA: string, termB: string, samples = PATH_SAMPLES): Float64Array[] {
  const table = decoder.table(termA, termB);
  const row = new Float64Array(13);
  return Array.from({ length: samples }, (_, i) => responseDb(paramsToBands(readPairTable(table, i / (samples - 1), row)), DEFAULT_GRID));
}

export interface VocabularyPathOptions {
  /** Pairs drawn at random besides the best-supported words' (default SAMPLED_PAIRS). */
  readonly sampled?: number;
  /** How many best-supported words have every pair among them measured (default TOP_WORDS). */
  readonly top?: number;
  /** Called after each pair, with how many are done of how many. */
  readonly onPair?: (done: number, total: number) => void;
}

/** Every measured pair's path metrics, through the same pair tables a running bridge builds. */
export function measureVocabularyPaths(model: EqModel, seed = 1, opts: VocabularyPathOptions = {}): VocabularyPaths {
  const terms = model.terms.map((t) => ({ term: t, count: model.term(t)!.count }));
  const pairs = vocabularyPairs(terms, seed, opts.sampled ?? SAMPLED_PAIRS, opts.top ?? TOP_WORDS);
  const decoder = new CachedDecoder(model, { maxPairs: 4 });
  const measured: { pair: string; m: PathMetrics }[] = pairs.map(([a, b], k) => {
    const m = pathMetrics(bridgePathResponses(decoder, a, b));
    opts.onPair?.(k + 1, pairs.length);
    return { pair: `${a}→${b}`, m };
  });
  const worst = measured
    .slice()
    .sort((x, y) => y.m.worstBacktrackDb - x.m.worstBacktrackDb)
    .slice(0, 5)
    .map(({ pair, m }) => ({ pair, backtrackDb: m.worstBacktrackDb, lengthRatio: m.lengthRatio, midpointDb: m.midpointDb }));
  return { seed, samples: PATH_SAMPLES, ...summarisePaths(measured.map((x) => x.m)), worst };
}

/**
 * Each default-vocabulary word with a curve: Pearson r between its decoded centroid's response and that curve, at the
 * curve's 40 frequencies (r ignores level and scale, so the calibration cannot flatter it).
 */
export function wordAgreement(model: EqModel, curves: ReadonlyMap<string, readonly number[]>): WordAgreement {
  const words = model.terms.filter((t) => curves.has(t));
  const decoded = model.decodeLatents(words.map((w) => model.term(w)!.z));
  const rs = words.map((term, i) => ({ term, r: pearson(responseFromParams(decoded[i]!, SOCIALEQ_FREQS), curves.get(term)!) }));
  const values = rs.map((x) => x.r);
  return {
    words: rs.length,
    median: quantile(values, 0.5),
    p10: quantile(values, 0.1),
    below0p5: values.filter((r) => r < 0.5).length,
    worst: rs.sort((x, y) => x.r - y.r).slice(0, 5),
  };
}
