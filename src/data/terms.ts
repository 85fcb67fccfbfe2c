// Turns raw SAFE-DB descriptors into a clean vocabulary: normalised spelling, non-descriptors dropped, thin terms and outliers removed.

import { readFileSync } from 'node:fs';
import { BAND_SPECS, bandsToParams, PARAMS, paramsToBands, type EqSettings } from '../eq/bands.js';
import { NON_DESCRIPTORS_FILE } from './paths.js';
import type { SafeExample } from './safedb.js';

/** Lower-case, trim, collapse runs of white space. */
export function normaliseTerm(raw: string): string {
  return raw.toLowerCase().trim().replace(/\s+/g, ' ');
}

/** English descriptors only: plain ASCII letters, spaces, hyphens and apostrophes. */
export function isEnglishAscii(term: string): boolean {
  return /^[a-z][a-z '-]*$/.test(term);
}

export function readNonDescriptors(path = NON_DESCRIPTORS_FILE): Set<string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  return new Set(lines.map((l) => normaliseTerm(l)).filter((l) => l !== '' && !l.startsWith('#')));
}

export interface TermExample {
  readonly term: string;
  /** 13 physical parameters, peaking bands sorted by ascending frequency. */
  readonly params: readonly number[];
  readonly line: number;
}

export interface VocabularyOptions {
  readonly minExamples: number;
  readonly outlierSigma: number;
  readonly nonDescriptors: ReadonlySet<string>;
}

export interface VocabularyReport {
  readonly examples: readonly TermExample[];
  /** term -> example count after filtering, largest first. */
  readonly counts: ReadonlyMap<string, number>;
  readonly dropped: { readonly nonDescriptor: number; readonly nonEnglish: number; readonly thin: number; readonly outliers: number };
}

/** Index of each peaking band's (gain, freq, Q) triple in the 13-vector. */
const PEAKING_OFFSETS = (() => {
  const offsets: number[] = [];
  let i = 0;
  for (const spec of BAND_SPECS) {
    if (spec.fixedQ === null) offsets.push(i);
    i += spec.fixedQ === null ? 3 : 2;
  }
  return offsets;
})();

/**
 * Sorts the three peaking bands by centre frequency within one example, so a band index means the same across examples.
 * The raw data's bands are not ordered; after sorting, a band may sit outside its nominal range, so each is clamped to it.
 */
export function sortPeakingBands(params: readonly number[]): number[] {
  const out = params.slice();
  const triples = PEAKING_OFFSETS.map((o) => [params[o]!, params[o + 1]!, params[o + 2]!] as const);
  triples.sort((a, b) => a[1] - b[1]);
  PEAKING_OFFSETS.forEach((o, k) => {
    const [g, f, qv] = triples[k]!;
    const fr = PARAMS[o + 1]!.range;
    out[o] = g;
    out[o + 1] = Math.min(fr.max, Math.max(fr.min, f));
    out[o + 2] = qv;
  });
  return out;
}

/** The space in which spread is measured: gains linear, frequencies and Q in octaves. */
export function toLogSpace(params: readonly number[]): number[] {
  return params.map((v, i) => (PARAMS[i]!.kind === 'gain' ? v : Math.log2(v)));
}

export function buildVocabulary(raw: readonly SafeExample[], opts: VocabularyOptions): VocabularyReport {
  let nonDescriptor = 0;
  let nonEnglish = 0;
  const byTerm = new Map<string, TermExample[]>();
  for (const ex of raw) {
    const term = normaliseTerm(ex.descriptor);
    if (opts.nonDescriptors.has(term)) {
      nonDescriptor++;
      continue;
    }
    if (!isEnglishAscii(term)) {
      nonEnglish++;
      continue;
    }
    const list = byTerm.get(term) ?? [];
    list.push({ term, params: sortPeakingBands(ex.params), line: ex.line });
    byTerm.set(term, list);
  }
  let thin = 0;
  let outliers = 0;
  const kept: TermExample[] = [];
  for (const [, list] of byTerm) {
    if (list.length < opts.minExamples) {
      thin += list.length;
      continue;
    }
    const inliers = dropOutliers(list, opts.outlierSigma);
    outliers += list.length - inliers.length;
    if (inliers.length < opts.minExamples) {
      thin += inliers.length;
      continue;
    }
    kept.push(...inliers);
  }
  const counts = new Map<string, number>();
  for (const ex of kept) counts.set(ex.term, (counts.get(ex.term) ?? 0) + 1);
  const sorted = new Map([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
  return { examples: kept, counts: sorted, dropped: { nonDescriptor, nonEnglish, thin, outliers } };
}

/** Drops examples with any parameter beyond k standard deviations of its term's mean (in log space for freq and Q). */
export function dropOutliers(list: readonly TermExample[], k: number): TermExample[] {
  const logs = list.map((e) => toLogSpace(e.params));
  const n = list.length;
  const mean = PARAMS.map((_, j) => logs.reduce((s, v) => s + v[j]!, 0) / n);
  const sd = PARAMS.map((_, j) => Math.sqrt(logs.reduce((s, v) => s + (v[j]! - mean[j]!) ** 2, 0) / n));
  return list.filter((_, i) => logs[i]!.every((v, j) => sd[j]! === 0 || Math.abs(v - mean[j]!) <= k * sd[j]!));
}

/** Bands as people read them (peaking bands by ascending frequency): the same EQ, only listed in another order. */
export function peaksAscending(bands: EqSettings): EqSettings {
  return paramsToBands(sortPeakingBands(bandsToParams(bands)));
}
