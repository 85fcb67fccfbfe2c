// Trains a model from SAFE-DB end to end: prepare data, train, compute centroids, evaluate, write the model directory.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PACKAGE_ROOT } from '../data/paths.js';
import { loadSafeDb } from '../data/safedb.js';
import { initBackend } from './backend.js';
import { termCentroids } from './centroids.js';
import type { ModelConfig } from './config.js';
import { prepareData, type PreparedData } from './dataset.js';
import { EqModel } from './eq-model.js';
import { evaluateModel, type Evaluation } from './evaluate.js';
import { saveModelDir, type ModelFiles, type TermInfo } from './model-dir.js';
import { train, type EpochReport } from './train.js';
import { termAnchors } from './anchors.js';
import { loadSocialEq } from '../data/socialeq.js';
import { DEFAULT_POLICY, projectSocialEq, vocabularyReport } from './socialeq-terms.js';

export interface BuildResult {
  readonly model: EqModel;
  readonly data: PreparedData;
  readonly evaluation: Evaluation;
  readonly trainSeconds: number;
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
}

export async function buildModel(dataPath: string, cfg: ModelConfig, outDir: string | null, opts: BuildOptions = {}): Promise<BuildResult> {
  const { onEpoch } = opts;
  const backend = await initBackend();
  const dataset = loadSafeDb(dataPath);
  const data = prepareData(dataset, cfg);
  const anchors = cfg.anchorWeight > 0 ? termAnchors(data.train, data.terms, data.stats) : undefined;
  const result = await train(data, cfg, onEpoch, anchors);
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
      dataset: { path: dataPath, sha256: dataset.sha256, examples: data.train.length + data.heldOut.length, heldOut: data.heldOut.length },
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
  if (opts.socialEqPath) {
    const social = loadSocialEq(opts.socialEqPath);
    const projection = projectSocialEq(model, social, data.train, DEFAULT_POLICY, opts.onVocabulary);
    model = new EqModel({ ...model.files, terms: new Map([...withErrors, ...projection.terms]) });
    evaluation = { ...evaluation, vocabulary: vocabularyReport(model, social, projection) };
    vocabulary = { path: opts.socialEqPath, scale: projection.scale, calibrationWords: projection.calibrationWords, policy: DEFAULT_POLICY };
  }
  model = new EqModel({ ...model.files, meta: { ...model.files.meta, metrics: evaluation, vocabulary } });
  if (outDir) await saveModelDir(outDir, model.files);
  return { model, data, evaluation, trainSeconds: result.seconds };
}
