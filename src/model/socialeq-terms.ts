// SocialEQ's words in the model: calibrate and fit each curve, derive each word's centroid from its training examples, measure it.

import { fitParametric } from '../eq/fit.js';
import { meanAbsDiffDb, pearson, responseFromParams } from '../eq/response.js';
import { normaliseTerm } from '../data/terms.js';
import { calibratedCurveDb, calibrationScale, SOCIALEQ_FREQS, unitShape, type SocialEqDataset } from '../data/socialeq.js';
import { socialEqExamples, type WordSettings } from '../data/socialeq-examples.js';
import type { NormStats } from '../data/normalise.js';
import type { ModelConfig } from './config.js';
import type { TermExample } from '../data/terms.js';
import { termCentroids } from './centroids.js';
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

/** One SocialEQ word, calibrated and fitted with the 5-band EQ. */
export interface FittedWord extends WordSettings {
  readonly language: string;
  /** The calibrated curve at SOCIALEQ_FREQS, dB, mean removed. */
  readonly targetDb: readonly number[];
  /** MAE of the parametric fit against targetDb, dB. */
  readonly fitDb: number;
  /** False for words listed as non-descriptors (a thing or a greeting, not a sound). */
  readonly descriptor: boolean;
}

export interface FittedWords {
  /** dB per unit of shape. */
  readonly scale: number;
  readonly calibrationWords: readonly string[];
  /** Every word not already a SAFE term, first spelling wins, in the dataset's order. */
  readonly words: readonly FittedWord[];
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

/**
 * Calibrates SocialEQ's curves against SAFE-DB (the words both share) and fits the 5-band EQ to each word that is not a
 * SAFE term: SAFE-trained centroids win where a term exists in both, so those words are neither trained on nor listed.
 */
export function fitSocialEqWords(
  dataset: SocialEqDataset,
  safeTrain: readonly TermExample[],
  opts: { readonly nonDescriptors?: ReadonlySet<string>; readonly onProgress?: (done: number, total: number) => void } = {},
): FittedWords {
  const { onProgress, nonDescriptors = new Set<string>() } = opts;
  const safe = safeMeanResponses(safeTrain);
  const shared = dataset.words.filter((w) => w.language === 'English' && safe.has(normaliseTerm(w.word)));
  const scale = calibrationScale(shared.map((w) => ({ shape: unitShape(w.curve), responseDb: [...safe.get(normaliseTerm(w.word))!] })));
  const words: FittedWord[] = [];
  const seen = new Set(safe.keys());
  dataset.words.forEach((w, i) => {
    onProgress?.(i, dataset.words.length);
    const term = normaliseTerm(w.word);
    if (seen.has(term)) return;
    seen.add(term);
    const targetDb = calibratedCurveDb(w.curve, scale);
    const fit = fitParametric(targetDb, SOCIALEQ_FREQS);
    words.push({ term, language: w.language, contributors: w.contributors, agreement: w.agreement, targetDb, params: fit.params, fitDb: fit.maeDb, descriptor: !nonDescriptors.has(term) });
  });
  onProgress?.(dataset.words.length, dataset.words.length);
  return { scale, calibrationWords: shared.map((w) => normaliseTerm(w.word)), words };
}

/** The words trained on: descriptors with enough contributors (the others are only encoded, and hidden). */
export function trainableWords(fitted: FittedWords, policy: VocabularyPolicy): FittedWord[] {
  return fitted.words.filter((w) => w.descriptor && w.contributors >= policy.minContributors);
}

/** The words' training examples as the model's config asks for them; `vocab` rebuilds exactly these to derive centroids. */
export function wordTrainingExamples(words: readonly FittedWord[], stats: NormStats, cfg: Pick<ModelConfig, 'socialMaxCopies' | 'socialJitter' | 'seed'>): TermExample[] {
  // The seed is offset so the jitter draws differ from the split's (seed) and the shuffling's (seed + 1).
  return socialEqExamples(words, stats, { maxCopies: cfg.socialMaxCopies, jitter: cfg.socialJitter, seed: cfg.seed + 2 });
}

/** How far a decoded point's response lands from a word's calibrated curve, dB MAE with the level removed (the curves carry none). */
export function curveErrorDb(params: readonly number[], targetDb: readonly number[]): number {
  const decoded = responseFromParams(params, SOCIALEQ_FREQS);
  const offset = decoded.reduce((a, b) => a + b, 0) / decoded.length;
  return meanAbsDiffDb(decoded.map((v) => v - offset), targetDb);
}

/**
 * Each word's centroid is the mean latent code of its training examples (as for a SAFE term), or for a word too thin to
 * train on, the code of its fitted settings; its fit error is how far the decoded centroid lands from the calibrated
 * curve. Non-descriptors, thin words and words beyond the policy's error are kept but hidden.
 */
export function projectSocialEq(model: EqModel, words: readonly FittedWord[], examples: readonly TermExample[], policy: VocabularyPolicy = DEFAULT_POLICY): Map<string, TermInfo> {
  const trained = new Set(examples.map((e) => e.term));
  const untrained = words.filter((w) => !trained.has(w.term)).map((w) => ({ term: w.term, params: w.params, line: 0 }));
  const centroids = termCentroids(model.files.networks.encoder, [...examples, ...untrained], model.files.meta.stats);
  const listed = words.filter((w) => centroids.has(w.term));
  const decoded = model.decodeLatents(listed.map((w) => centroids.get(w.term)!.z));
  const terms = new Map<string, TermInfo>();
  listed.forEach((w, i) => {
    const fitErrorDb = curveErrorDb(decoded[i]!, w.targetDb);
    const hidden = !w.descriptor || w.contributors < policy.minContributors || fitErrorDb > policy.maxFitErrorDb;
    terms.set(w.term, {
      z: centroids.get(w.term)!.z,
      source: 'socialeq',
      language: w.language,
      count: w.contributors,
      agreement: w.agreement,
      fitErrorDb,
      parametricFitDb: w.fitDb,
      hidden,
    });
  });
  return terms;
}

/** Correlation between a SAFE term's decoded endpoint and the SocialEQ curve of the same word, at the 40 frequencies. */
export function crossDatasetAgreement(model: EqModel, dataset: SocialEqDataset, term: string): number | null {
  const info = model.term(term);
  const word = dataset.words.find((w) => w.language === 'English' && normaliseTerm(w.word) === term);
  if (!info || !word) return null;
  const decoded = responseFromParams(model.decodeLatents([info.z])[0]!, SOCIALEQ_FREQS);
  return pearson(decoded, word.curve);
}

const median = (xs: readonly number[]) => {
  const s = xs.slice().sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

/**
 * The vocabulary's numbers for `eval`, measured on the model as shipped: every SocialEQ term's decoded centroid against
 * its curve (recomputed here from the stored calibration scale, not read back), cross-dataset agreement, and morph
 * paths over a deterministic sample of pairs that mix sources (each SAFE term with every k-th word).
 */
export function vocabularyReport(model: EqModel, dataset: SocialEqDataset, scale: number, samplePairs = 40): VocabularyEvaluation {
  const curves = new Map<string, readonly number[]>();
  for (const w of dataset.words) if (!curves.has(normaliseTerm(w.word))) curves.set(normaliseTerm(w.word), w.curve);
  const all = [...model.files.terms].filter(([w, t]) => t.source === 'safe' || curves.has(w));
  const socialAll = all.filter(([, t]) => t.source === 'socialeq');
  const decoded = model.decodeLatents(socialAll.map(([, t]) => t.z));
  const endpointDb = new Map(socialAll.map(([w], i) => [w, curveErrorDb(decoded[i]!, calibratedCurveDb(curves.get(w)!, scale))]));
  const usable = all.filter(([, t]) => !t.hidden);
  const social = usable.filter(([, t]) => t.source === 'socialeq').map(([w]) => w);
  const safeTerms = usable.filter(([, t]) => t.source === 'safe').map(([w]) => w);
  const usableErrors = usable.map(([w, t]) => endpointDb.get(w) ?? t.fitErrorDb).filter((x): x is number => x !== null);
  const pairs: [string, string][] = [];
  const stride = Math.max(1, Math.floor((social.length * safeTerms.length) / samplePairs));
  let i = 0;
  for (const a of safeTerms) for (const b of social) if (i++ % stride === 0) pairs.push([a, b]);
  const paths = pairs.map(([a, b]) => pathSmoothness(model, a, b, 101));
  const parametric = socialAll.map(([, t]) => t.parametricFitDb).filter((x): x is number => typeof x === 'number');
  const socialErrors = [...endpointDb.values()];
  return {
    scaleDbPerUnit: scale,
    words: dataset.words.length,
    usableEnglish: usable.filter(([, t]) => t.language === 'English').length,
    usable: usable.length,
    medianFitErrorDb: median(usableErrors),
    medianParametricFitDb: median(parametric),
    socialEndpoints: {
      terms: socialErrors.length,
      medianDb: median(socialErrors),
      within1Db: socialErrors.filter((e) => e <= 1).length,
      worstDb: Math.max(...socialErrors),
    },
    agreement: Object.fromEntries(safeTerms.map((t) => [t, crossDatasetAgreement(model, dataset, t)])),
    mixedPaths: {
      pairs: pairs.length,
      maxStepRatio: Math.max(...paths.map((p) => p.ratio)),
      monotonicShare: paths.filter((p) => p.monotonic).length / Math.max(1, paths.length),
    },
  };
}
