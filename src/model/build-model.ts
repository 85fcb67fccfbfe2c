// Trains a model from SAFE-DB end to end: prepare data, train, compute centroids, evaluate, write the model directory.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from './tf.js';
import { PACKAGE_ROOT, SOCIALEQ_NON_DESCRIPTORS_FILE } from '../data/paths.js';
import { readNonDescriptors } from '../data/terms.js';
import { datasetProblem, loadSafeDb, type SafeDataset } from '../data/safedb.js';
import { DataFileError } from '../data/errors.js';
import { initBackend } from './backend.js';
import { termCentroids } from './centroids.js';
import type { ModelConfig } from './config.js';
import { prepareData, type PreparedData } from './dataset.js';
import { EqModel } from './eq-model.js';
import { evaluateModel, type Evaluation } from './evaluate.js';
import { saveModelDir, type ModelFiles, type TermInfo } from './model-dir.js';
import { train, type EpochReport } from './train.js';
import { groupedAnchors, termAnchors } from './anchors.js';
import { loadSocialEq } from '../data/socialeq.js';
import { DEFAULT_POLICY, fitSocialEqWords, trainableWords, vocabularyTerms, vocabularyReport, wordTrainingExamples } from './socialeq-terms.js';

export interface BuildResult {
  readonly model: EqModel;
  readonly data: PreparedData;
  readonly evaluation: Evaluation;
  readonly trainSeconds: number;
  readonly trainCpuSeconds: number;
  /** Rows trained on per epoch: SAFE-DB's training part plus the SocialEQ words' examples. */
  readonly trainingRows: number;
}

function packageVersions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return { eqmorph: pkg.version, '@tensorflow/tfjs': tf.version.tfjs, '@tensorflow/tfjs-backend-wasm': version('@tensorflow/tfjs-backend-wasm'), node: process.versions.node };
}

export interface BuildOptions {
  /** SocialEQ word curves to add to the vocabulary after training; null keeps the SAFE terms only. */
  readonly socialEqPath?: string | null;
  readonly onEpoch?: (r: EpochReport) => void;
  readonly onVocabulary?: (done: number, total: number) => void;
  /** Told once a usable dataset is read: the rows skipped as malformed, with their line numbers (see skippedRowsText). */
  readonly onDataset?: (dataset: SafeDataset) => void;
}

/** What training reads: SAFE-DB prepared, the SocialEQ words fitted and turned into examples, and the anchors. */
export function trainingInputs(dataPath: string, cfg: ModelConfig, opts: Pick<BuildOptions, 'socialEqPath' | 'onVocabulary' | 'onDataset'> = {}) {
  const dataset = loadSafeDb(dataPath);
  // Nothing usable is one error line; otherwise the rows skipped are reported before training starts.
  const problem = datasetProblem(dataset);
  if (problem) throw new DataFileError(dataPath, problem);
  opts.onDataset?.(dataset);
  let data: PreparedData;
  try {
    data = prepareData(dataset, cfg);
  } catch (err) {
    // Too few terms with enough examples: the data (or --min-examples) is what the user can change.
    if (err instanceof RangeError) throw new DataFileError(dataPath, err.message);
    throw err;
  }
  // SocialEQ's words join training as labelled examples (a few jittered copies of each word's fitted settings) so the
  // network can represent them; SAFE-DB's held-out split and normalisation statistics are untouched by them.
  const social = opts.socialEqPath ? loadSocialEq(opts.socialEqPath) : null;
  const fitted = social ? fitSocialEqWords(social, data.train, { nonDescriptors: readNonDescriptors(SOCIALEQ_NON_DESCRIPTORS_FILE), onProgress: opts.onVocabulary }) : null;
  const words = fitted ? trainableWords(fitted, DEFAULT_POLICY) : [];
  const wordExamples = wordTrainingExamples(words, data.stats, cfg);
  const trainingData: PreparedData = { ...data, terms: [...data.terms, ...words.map((w) => w.term)], train: [...data.train, ...wordExamples] };
  const anchors =
    cfg.anchorWeight > 0
      ? groupedAnchors(termAnchors(data.train, data.terms, data.stats), words.map((w) => w.params), cfg.socialAnchorWeight, cfg.socialAnchorsPerStep)
      : undefined;
  return { dataset, data, social, fitted, words, wordExamples, trainingData, anchors };
}

export async function buildModel(dataPath: string, cfg: ModelConfig, outDir: string | null, opts: BuildOptions = {}): Promise<BuildResult> {
  const backend = await initBackend();
  const { dataset, data, social, fitted, words, wordExamples, trainingData, anchors } = trainingInputs(dataPath, cfg, opts);
  const result = await train(trainingData, cfg, opts.onEpoch, anchors);
  const centroids = termCentroids(result.networks.encoder, data.train, data.stats);
  const terms = new Map<string, TermInfo>(
    data.terms.map((t) => [t, { z: centroids.get(t)!.z, source: 'safe', language: 'English', count: centroids.get(t)!.count, agreement: null, fitErrorDb: null }]),
  );
  const files: ModelFiles = {
    networks: result.networks,
    terms,
    meta: {
      formatVersion: 1,
      config: cfg,
      stats: data.stats,
      dataset: { path: dataPath, sha256: dataset.sha256, examples: data.train.length + data.heldOut.length, heldOut: data.heldOut.length, socialEqExamples: wordExamples.length },
      training: {
        seconds: result.seconds,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        backend: backend.name,
        history: result.history.map((h) => ({ ...h, seconds: Math.round(h.seconds * 100) / 100 })),
      },
      versions: packageVersions(),
      createdAt: new Date().toISOString(),
    },
  };
  let model = new EqModel(files);
  let evaluation = evaluateModel(model, data.train, data.heldOut);
  // Each SAFE term's fit error is how far its decoded centroid lands from its examples' mean response.
  const withErrors = new Map([...terms].map(([t, info]) => [t, { ...info, fitErrorDb: evaluation.endpoints[t]?.responseMaeDb ?? null }]));
  model = new EqModel({ ...files, terms: withErrors });
  let vocabulary: unknown = null;
  if (social && fitted) {
    model = new EqModel({ ...model.files, terms: vocabularyTerms(model, social, fitted, wordExamples, DEFAULT_POLICY, readNonDescriptors(SOCIALEQ_NON_DESCRIPTORS_FILE)) });
    evaluation = { ...evaluation, vocabulary: vocabularyReport(model, social, fitted.scale) };
    vocabulary = { path: opts.socialEqPath, scale: fitted.scale, calibrationWords: fitted.calibrationWords, policy: DEFAULT_POLICY, trainedWords: words.length, trainingExamples: wordExamples.length };
  }
  model = new EqModel({ ...model.files, meta: { ...model.files.meta, metrics: evaluation, vocabulary } });
  if (outDir) await saveModelDir(outDir, model.files);
  return { model, data, evaluation, trainSeconds: result.seconds, trainCpuSeconds: result.cpuSeconds, trainingRows: trainingData.train.length };
}
