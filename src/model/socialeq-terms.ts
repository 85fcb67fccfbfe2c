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
import { invertDecoder } from './invert.js';

export interface VocabularyPolicy {
  /** Words described by fewer people are kept out of the default vocabulary. */
  readonly minContributors: number;
  /** Words whose decoded centroid lands further than this from their calibrated curve (dB MAE) are kept out too. */
  readonly maxFitErrorDb: number;
  /** Words whose decoded centroid's response correlates less than this with their curve (Pearson r) are kept out too: they would sound against their meaning. */
  readonly minCurveR?: number;
}

export const DEFAULT_POLICY: VocabularyPolicy = { minContributors: 2, maxFitErrorDb: 1.5, minCurveR: 0.5 };

/**
 * Which dataset speaks for a word both have: the one with more people behind it, SAFE-DB's examples (one engineer's
 * setting each) against SocialEQ's contributors; SAFE-DB on a tie, since its settings are real EQs rather than a
 * curve fitted after the fact. warm (363 examples, 122 contributors) and bright stay SAFE-DB's; clear (8 examples, 20
 * contributors) becomes SocialEQ's.
 */
export function preferredSource(safeExamples: number, socialContributors: number): 'safe' | 'socialeq' {
  return socialContributors > safeExamples ? 'socialeq' : 'safe';
}

/** How many Adam steps place a word's centroid (see invertDecoder): each is one batched decoder pass over all words, forward and back. */
export const CENTROID_STEPS = 15;
const CENTROID_LEARNING_RATE = 0.05;

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

/** Pearson r between a decoded point's response and a word's curve, at the curve's 40 frequencies. */
export function curveAgreement(params: readonly number[], targetDb: readonly number[]): number {
  return pearson(responseFromParams(params, SOCIALEQ_FREQS), targetDb);
}

/**
 * Each word's centroid is the latent point whose decoded EQ sounds most like its calibrated curve: the search
 * (invertDecoder) starts from the mean latent code of the word's training examples (or, for a word too thin to train
 * on, the code of its fitted settings) and stays near it. So the model stays the one source of truth for what a point
 * means, and a word names the point that means it. Its fit error and r are how far the decoded centroid lands from the
 * curve. Non-descriptors, thin words and words beyond the policy's error or below its r are kept but hidden. `starts`
 * overrides a word's starting point (a SAFE term handed to SocialEQ starts from its SAFE centroid).
 */
export function projectSocialEq(
  model: EqModel,
  words: readonly FittedWord[],
  examples: readonly TermExample[],
  policy: VocabularyPolicy = DEFAULT_POLICY,
  starts: ReadonlyMap<string, readonly number[]> = new Map(),
): Map<string, TermInfo> {
  const trained = new Set(examples.map((e) => e.term));
  const untrained = words.filter((w) => !trained.has(w.term) && !starts.has(w.term)).map((w) => ({ term: w.term, params: w.params, line: 0 }));
  const centroids = termCentroids(model.files.networks.encoder, [...examples, ...untrained], model.files.meta.stats);
  const listed = words.filter((w) => centroids.has(w.term) || starts.has(w.term));
  const zs = invertDecoder(
    model.files.networks.decoder,
    listed.map((w) => w.targetDb),
    listed.map((w) => starts.get(w.term) ?? centroids.get(w.term)!.z),
    SOCIALEQ_FREQS,
    { steps: CENTROID_STEPS, learningRate: CENTROID_LEARNING_RATE },
  );
  const decoded = model.decodeLatents(zs);
  const terms = new Map<string, TermInfo>();
  listed.forEach((w, i) => {
    const fitErrorDb = curveErrorDb(decoded[i]!, w.targetDb);
    const curveR = curveAgreement(decoded[i]!, w.targetDb);
    const hidden = !w.descriptor || w.contributors < policy.minContributors || fitErrorDb > policy.maxFitErrorDb || curveR < (policy.minCurveR ?? -1);
    terms.set(w.term, {
      z: zs[i]!,
      curveR,
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

/**
 * The whole vocabulary of a model whose terms are SAFE-DB's: SocialEQ's words placed by projectSocialEq, and each SAFE
 * term that SocialEQ speaks for by preferredSource handed over to its SocialEQ word (its search starts from the SAFE
 * centroid). The SAFE terms come first, in the model's order.
 */
export function vocabularyTerms(
  safeModel: EqModel,
  dataset: SocialEqDataset,
  fitted: FittedWords,
  examples: readonly TermExample[],
  policy: VocabularyPolicy = DEFAULT_POLICY,
  nonDescriptors: ReadonlySet<string> = new Set(),
): Map<string, TermInfo> {
  const handed: FittedWord[] = [];
  for (const w of dataset.words) {
    const term = normaliseTerm(w.word);
    const safe = safeModel.term(term);
    if (w.language !== 'English' || safe?.source !== 'safe' || handed.some((h) => h.term === term)) continue;
    if (preferredSource(safe.count, w.contributors) !== 'socialeq') continue;
    const targetDb = calibratedCurveDb(w.curve, fitted.scale);
    const fit = fitParametric(targetDb, SOCIALEQ_FREQS);
    handed.push({ term, language: w.language, contributors: w.contributors, agreement: w.agreement, targetDb, params: fit.params, fitDb: fit.maeDb, descriptor: !nonDescriptors.has(term) });
  }
  const starts = new Map(handed.map((w) => [w.term, safeModel.term(w.term)!.z]));
  const projected = projectSocialEq(safeModel, [...fitted.words, ...handed], examples, policy, starts);
  return new Map([...[...safeModel.files.terms].filter(([t]) => !projected.has(t)), ...projected]);
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
