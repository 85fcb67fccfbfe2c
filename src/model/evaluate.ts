// Held-out evaluation of a model against simple baselines: reconstruction, latent clustering, endpoints, paths and blends.

import { PARAMS } from '../eq/bands.js';
import { meanAbsDiffDb, responseFromParams } from '../eq/response.js';
import { normalise, denormalise, type NormStats } from '../data/normalise.js';
import type { TermExample } from '../data/terms.js';
import { toLogSpace } from '../data/terms.js';
import { daviesBouldin, nearestCentroidAccuracy, silhouette, cosineDistance } from './cluster-metrics.js';
import { encodeParams, mean } from './centroids.js';
import type { EqModel } from './eq-model.js';
import { fitPca, pcaReconstruct } from './pca.js';

export interface ReconstructionScore {
  readonly responseMaeDb: number;
  readonly normalisedMse: number;
  /** Mean absolute error per parameter type: gain in dB, frequency and Q in octaves. */
  readonly gainMaeDb: number;
  readonly freqMaeOct: number;
  readonly qMaeOct: number;
}

export interface Evaluation {
  readonly heldOutExamples: number;
  readonly reconstruction: {
    readonly model: ReconstructionScore;
    readonly pca: ReconstructionScore & { readonly k: number };
    /** PCA at every k below the parameter count, to place the model on that scale. */
    readonly pcaByK: Record<string, number>;
    readonly termMean: ReconstructionScore;
  };
  readonly latent: { readonly silhouette: number; readonly daviesBouldin: number; readonly centroidAccuracy: number };
  readonly endpoints: Record<string, { responseMaeDb: number; termMeanParamsMaeDb: number; examples: number }>;
  readonly paths: { readonly pairs: number; readonly steps: number; readonly maxStepRatio: number; readonly monotonic: boolean; readonly worstPair: string };
  readonly blends: {
    readonly pairs: number;
    readonly model: { readonly nearestDb: number };
    readonly paramAverage: { readonly nearestDb: number };
  };
  readonly seconds: number;
  /** Present when SocialEQ words were projected into the model. */
  readonly vocabulary?: VocabularyEvaluation;
}

export interface VocabularyEvaluation {
  readonly scaleDbPerUnit: number;
  readonly words: number;
  readonly usableEnglish: number;
  readonly usable: number;
  /** Median over the default vocabulary (SAFE and SocialEQ terms) of the decoded centroid's error, dB. */
  readonly medianFitErrorDb: number;
  /** Median over the SocialEQ terms of the parametric fit to their curves (what a perfect decoder would reach). */
  readonly medianParametricFitDb: number;
  /** Every SocialEQ term's decoded centroid against its calibrated curve, dB MAE, hidden terms included. */
  readonly socialEndpoints: { readonly terms: number; readonly medianDb: number; readonly within1Db: number; readonly worstDb: number };
  readonly agreement: Record<string, number | null>;
  readonly mixedPaths: { readonly pairs: number; readonly maxStepRatio: number; readonly monotonicShare: number };
}

type Row = readonly number[];

function score(truth: readonly Row[], pred: readonly Row[], stats: NormStats): ReconstructionScore {
  let resp = 0;
  let nmse = 0;
  const abs = { gain: 0, freq: 0, q: 0 };
  const cnt = { gain: 0, freq: 0, q: 0 };
  truth.forEach((t, i) => {
    const p = pred[i]!;
    resp += meanAbsDiffDb(responseFromParams(t), responseFromParams(p));
    const zt = normalise(t, stats);
    const zp = normalise(p, stats);
    nmse += zt.reduce((s, v, j) => s + (v - zp[j]!) ** 2, 0) / zt.length;
    PARAMS.forEach((spec, j) => {
      const err = spec.kind === 'gain' ? Math.abs(t[j]! - p[j]!) : Math.abs(Math.log2(t[j]! / p[j]!));
      abs[spec.kind] += err;
      cnt[spec.kind]++;
    });
  });
  const n = truth.length;
  return {
    responseMaeDb: resp / n,
    normalisedMse: nmse / n,
    gainMaeDb: abs.gain / cnt.gain,
    freqMaeOct: abs.freq / cnt.freq,
    qMaeOct: abs.q / cnt.q,
  };
}

/** A term's mean parameters: arithmetic for gains, geometric (log-mean) for frequency and Q. */
export function termMeanParams(rows: readonly Row[]): number[] {
  const m = mean(rows.map(toLogSpace));
  return m.map((v, j) => (PARAMS[j]!.kind === 'gain' ? v : 2 ** v));
}

export function meanResponse(rows: readonly Row[]): Float64Array {
  const responses = rows.map((r) => responseFromParams(r));
  const out = new Float64Array(responses[0]!.length);
  for (const r of responses) for (let i = 0; i < out.length; i++) out[i]! += r[i]! / responses.length;
  return out;
}

function groupByTerm(examples: readonly TermExample[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const e of examples) m.set(e.term, [...(m.get(e.term) ?? []), e.params]);
  return m;
}

/**
 * A morph path sampled at `steps` alphas: the largest response step over the mean step, and whether the distance
 * from A's response never shrinks by more than numerical noise (1e-4 dB).
 */
export function pathSmoothness(model: EqModel, a: string, b: string, steps: number): { ratio: number; monotonic: boolean; responses: Float64Array[] } {
  const zs = Array.from({ length: steps }, (_, s) => model.interpolate(a, b, s / (steps - 1)));
  const responses = model.decodeLatents(zs).map((p) => responseFromParams(p));
  const sizes = responses.slice(1).map((r, s) => meanAbsDiffDb(r, responses[s]!));
  const meanStep = sizes.reduce((x, y) => x + y, 0) / sizes.length;
  const fromA = responses.map((r) => meanAbsDiffDb(r, responses[0]!));
  return {
    ratio: meanStep > 0 ? Math.max(...sizes) / meanStep : 1,
    monotonic: fromA.every((d, s) => s === 0 || d >= fromA[s - 1]! - 1e-4),
    responses,
  };
}

export interface EvaluateOptions {
  /** α steps per path (101 by default: 0, 0.01, ..., 1). */
  readonly pathSteps?: number;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export function evaluateModel(model: EqModel, train: readonly TermExample[], heldOut: readonly TermExample[], opts: EvaluateOptions = {}): Evaluation {
  const t0 = performance.now();
  const stats = model.files.meta.stats;
  const k = model.latentDim;
  const steps = opts.pathSteps ?? 101;
  const progress = opts.onProgress ?? (() => {});
  const truth = heldOut.map((e) => e.params);

  // Reconstruction: the model, PCA with the same k (capped at the parameter count), and each term's mean.
  progress('reconstruction', 0, 3);
  const zHeld = encodeParams(model.files.networks.encoder, truth, stats);
  const modelPred = model.decodeLatents(zHeld);
  const trainNorm = train.map((e) => normalise(e.params, stats));
  const pcaPred = (kk: number) => {
    const p = fitPca(trainNorm, kk);
    return truth.map((t) => denormalise(pcaReconstruct(p, normalise(t, stats)), stats));
  };
  const pcaK = Math.min(k, PARAMS.length);
  const pcaByK: Record<string, number> = {};
  for (let kk = 1; kk < PARAMS.length; kk++) pcaByK[String(kk)] = score(truth, pcaPred(kk), stats).responseMaeDb;
  const trainByTerm = groupByTerm(train);
  const termMeans = new Map([...trainByTerm].map(([t, rows]) => [t, termMeanParams(rows)]));
  progress('reconstruction', 3, 3);

  // Latent space: clustering of held-out codes around the training centroids.
  const labels = heldOut.map((e) => e.term);
  const centroids = new Map(model.terms.filter((t) => trainByTerm.has(t)).map((t) => [t, model.term(t)!.z]));

  // Endpoints: decoding a centroid against the mean response of the term's training examples.
  const endpoints: Evaluation['endpoints'] = {};
  const safeTerms = [...centroids.keys()];
  const decodedEnds = model.decodeLatents(safeTerms.map((t) => centroids.get(t)!));
  safeTerms.forEach((t, i) => {
    const rows = trainByTerm.get(t)!;
    const target = meanResponse(rows);
    endpoints[t] = {
      responseMaeDb: meanAbsDiffDb(responseFromParams(decodedEnds[i]!), target),
      termMeanParamsMaeDb: meanAbsDiffDb(responseFromParams(termMeans.get(t)!), target),
      examples: rows.length,
    };
  });

  // Paths and blends over every unordered pair of terms.
  const pairs: [string, string][] = [];
  for (let i = 0; i < safeTerms.length; i++) for (let j = i + 1; j < safeTerms.length; j++) pairs.push([safeTerms[i]!, safeTerms[j]!]);
  let maxStepRatio = 0;
  let worstPair = '';
  let monotonic = true;
  const trainResponses = train.map((e) => responseFromParams(e.params));
  const nearest = (r: Float64Array) => Math.min(...trainResponses.map((t) => meanAbsDiffDb(r, t)));
  let modelNearest = 0;
  let avgNearest = 0;
  pairs.forEach(([a, b], pi) => {
    progress('paths', pi, pairs.length);
    const path = pathSmoothness(model, a, b, steps);
    if (path.ratio > maxStepRatio) {
      maxStepRatio = path.ratio;
      worstPair = `${a}/${b}`;
    }
    if (!path.monotonic) monotonic = false;
    modelNearest += nearest(path.responses[Math.round((steps - 1) / 2)]!);
    const avg = toLogSpace(termMeans.get(a)!).map((v, j) => (v + toLogSpace(termMeans.get(b)!)[j]!) / 2);
    avgNearest += nearest(responseFromParams(avg.map((v, j) => (PARAMS[j]!.kind === 'gain' ? v : 2 ** v))));
  });

  return {
    heldOutExamples: heldOut.length,
    reconstruction: {
      model: score(truth, modelPred, stats),
      pca: { ...score(truth, pcaPred(pcaK), stats), k: pcaK },
      pcaByK,
      termMean: score(truth, heldOut.map((e) => termMeans.get(e.term) ?? termMeanParams(train.map((x) => x.params))), stats),
    },
    latent: {
      silhouette: silhouette(zHeld, labels, cosineDistance),
      daviesBouldin: daviesBouldin(zHeld, labels),
      centroidAccuracy: nearestCentroidAccuracy(zHeld, labels, centroids),
    },
    endpoints,
    paths: { pairs: pairs.length, steps, maxStepRatio, monotonic, worstPair },
    blends: {
      pairs: pairs.length,
      model: { nearestDb: modelNearest / Math.max(1, pairs.length) },
      paramAverage: { nearestDb: avgNearest / Math.max(1, pairs.length) },
    },
    seconds: (performance.now() - t0) / 1000,
  };
}

