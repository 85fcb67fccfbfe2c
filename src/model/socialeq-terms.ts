// Projects SocialEQ's word curves into the latent space: calibrate, fit a 5-band EQ to each curve, encode it as a centroid.

import { fitParametric } from '../eq/fit.js';
import { meanAbsDiffDb, pearson, responseFromParams } from '../eq/response.js';
import { normaliseTerm } from '../data/terms.js';
import { calibratedCurveDb, calibrationScale, SOCIALEQ_FREQS, unitShape, type SocialEqDataset } from '../data/socialeq.js';
import type { TermExample } from '../data/terms.js';
import { encodeParams } from './centroids.js';
import type { EqModel } from './eq-model.js';
import type { TermInfo } from './model-dir.js';
import { pathSmoothness, type VocabularyEvaluation } from './evaluate.js';

export interface VocabularyPolicy {
  /** Words described by fewer people are kept out of the default vocabulary. */
  readonly minContributors: number;
  /** Words whose decoded centroid lands further than this from their calibrated curve (dB MAE) are kept out too. */
  readonly maxFitErrorDb: number;
}

export const DEFAULT_POLICY: VocabularyPolicy = { minContributors: 2, maxFitErrorDb: 1.5 };

export interface SocialEqProjection {
  readonly scale: number;
  readonly calibrationWords: readonly string[];
  readonly terms: Map<string, TermInfo>;
  /** Per word: error of the parametric fit to the curve and of the decoded centroid, both dB MAE at the 40 frequencies. */
  readonly fits: Map<string, { fitDb: number; decodedDb: number }>;
}

/** The SAFE terms' mean responses at SocialEQ's frequencies, for calibration and cross-dataset agreement. */
export function safeMeanResponses(train: readonly TermExample[]): Map<string, Float64Array> {
  const byTerm = new Map<string, number[][]>();
  for (const e of train) byTerm.set(e.term, [...(byTerm.get(e.term) ?? []), e.params as number[]]);
  return new Map([...byTerm].map(([t, rows]) => [t, meanResponseAt(rows)]));
}

function meanResponseAt(rows: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(SOCIALEQ_FREQS.length);
  for (const r of rows) responseFromParams(r, SOCIALEQ_FREQS).forEach((v, i) => (out[i]! += v / rows.length));
  return out;
}

export function projectSocialEq(
  model: EqModel,
  dataset: SocialEqDataset,
  train: readonly TermExample[],
  policy: VocabularyPolicy = DEFAULT_POLICY,
  onProgress?: (done: number, total: number) => void,
): SocialEqProjection {
  const safe = safeMeanResponses(train);
  const shared = dataset.words.filter((w) => w.language === 'English' && safe.has(normaliseTerm(w.word)));
  const scale = calibrationScale(shared.map((w) => ({ shape: unitShape(w.curve), responseDb: [...safe.get(normaliseTerm(w.word))!] })));
  const terms = new Map<string, TermInfo>();
  const fits = new Map<string, { fitDb: number; decodedDb: number }>();
  const stats = model.files.meta.stats;
  dataset.words.forEach((w, i) => {
    onProgress?.(i, dataset.words.length);
    const term = normaliseTerm(w.word);
    if (model.term(term)?.source === 'safe' || terms.has(term)) return; // SAFE-trained centroids win
    const target = calibratedCurveDb(w.curve, scale);
    const fit = fitParametric(target, SOCIALEQ_FREQS);
    const [z] = encodeParams(model.files.networks.encoder, [fit.params], stats);
    const decoded = responseFromParams(model.decodeLatents([z!])[0]!, SOCIALEQ_FREQS);
    // The curves carry no absolute level, so compare shapes with the level removed.
    const offset = decoded.reduce((a, b) => a + b, 0) / decoded.length;
    const decodedDb = meanAbsDiffDb(decoded.map((v) => v - offset), target);
    fits.set(term, { fitDb: fit.maeDb, decodedDb });
    const hidden = w.contributors < policy.minContributors || decodedDb > policy.maxFitErrorDb;
    terms.set(term, { z: z!, source: 'socialeq', language: w.language, count: w.contributors, agreement: w.agreement, fitErrorDb: decodedDb, hidden });
  });
  onProgress?.(dataset.words.length, dataset.words.length);
  return { scale, calibrationWords: shared.map((w) => normaliseTerm(w.word)), terms, fits };
}

/** Correlation between a SAFE term's decoded endpoint and the SocialEQ curve of the same word, at the 40 frequencies. */
export function crossDatasetAgreement(model: EqModel, dataset: SocialEqDataset, term: string): number | null {
  const info = model.term(term);
  const word = dataset.words.find((w) => w.language === 'English' && normaliseTerm(w.word) === term);
  if (!info || !word) return null;
  const decoded = responseFromParams(model.decodeLatents([info.z])[0]!, SOCIALEQ_FREQS);
  return pearson(decoded, word.curve);
}

/** The vocabulary's numbers for `eval`: fit errors, cross-dataset agreement, and paths over pairs that mix sources. */
export function vocabularyReport(model: EqModel, dataset: SocialEqDataset, projection: SocialEqProjection, samplePairs = 40): VocabularyEvaluation {
  const usable = [...model.files.terms].filter(([, t]) => !t.hidden);
  const social = usable.filter(([, t]) => t.source === 'socialeq').map(([w]) => w);
  const safeTerms = usable.filter(([, t]) => t.source === 'safe').map(([w]) => w);
  const median = (xs: number[]) => {
    const s = xs.slice().sort((x, y) => x - y);
    return s.length ? s[Math.floor(s.length / 2)]! : NaN;
  };
  const errors = usable.map(([, t]) => t.fitErrorDb).filter((x): x is number => x !== null);
  // Deterministic sample of mixed pairs: each SAFE term with every k-th SocialEQ word.
  const pairs: [string, string][] = [];
  const stride = Math.max(1, Math.floor((social.length * safeTerms.length) / samplePairs));
  let i = 0;
  for (const a of safeTerms) for (const b of social) if (i++ % stride === 0) pairs.push([a, b]);
  const paths = pairs.map(([a, b]) => pathSmoothness(model, a, b, 101));
  return {
    scaleDbPerUnit: projection.scale,
    words: dataset.words.length,
    usableEnglish: usable.filter(([, t]) => t.language === 'English').length,
    usable: usable.length,
    medianFitErrorDb: median(errors),
    medianParametricFitDb: median([...projection.fits.values()].map((f) => f.fitDb)),
    agreement: Object.fromEntries(safeTerms.map((t) => [t, crossDatasetAgreement(model, dataset, t)])),
    mixedPaths: {
      pairs: pairs.length,
      maxStepRatio: Math.max(...paths.map((p) => p.ratio)),
      monotonicShare: paths.filter((p) => p.monotonic).length / Math.max(1, paths.length),
    },
  };
}
