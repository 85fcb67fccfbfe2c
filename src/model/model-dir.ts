// Saves and loads a model directory: tfjs networks (JSON + weights), centroids, normalisation statistics, config and provenance.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from './tf.js';
import { DataFileError } from '../data/errors.js';
import type { NormStats } from '../data/normalise.js';
import type { ModelConfig } from './config.js';
import type { Networks } from './network.js';
import './layer-norm.js'; // registers the custom layers before any load
import './param-heads.js';
import './seeded-dropout.js';

export type TermSource = 'safe' | 'socialeq';

export interface TermInfo {
  /** Latent centroid. */
  readonly z: readonly number[];
  readonly source: TermSource;
  readonly language: string;
  /** SAFE-DB: training examples; SocialEQ: contributors. */
  readonly count: number;
  /** SocialEQ agreement (0..1); null for SAFE terms. */
  readonly agreement: number | null;
  /** How far the decoded centroid lands from the term's own mean response or curve, dB; null before evaluation. */
  readonly fitErrorDb: number | null;
  /** SocialEQ: error of the 5-band parametric fit to the word's calibrated curve, dB (the floor for fitErrorDb). */
  readonly parametricFitDb?: number;
  /** SocialEQ: Pearson r of the decoded centroid's response with the word's curve. */
  readonly curveR?: number;
  /** Kept out of the default vocabulary (too thin or fit too poor). */
  readonly hidden?: boolean;
}

export interface ModelMeta {
  readonly formatVersion: 1;
  readonly config: ModelConfig;
  readonly stats: NormStats;
  readonly dataset: { readonly path: string; readonly sha256: string; readonly examples: number; readonly heldOut: number; readonly socialEqExamples?: number };
  readonly training: { readonly seconds: number; readonly epochs: number; readonly bestEpoch: number; readonly stoppedEarly: boolean; readonly backend: string; readonly history: readonly unknown[] };
  readonly versions: Record<string, string>;
  readonly createdAt: string;
  readonly metrics?: unknown;
  /** How SocialEQ words were added: source path, calibration scale (dB per unit of shape), the policy. */
  readonly vocabulary?: unknown;
}

export interface ModelFiles {
  readonly networks: Networks;
  readonly terms: ReadonlyMap<string, TermInfo>;
  readonly meta: ModelMeta;
}

const NET_NAMES = ['encoder', 'head', 'decoder'] as const;

async function saveNetwork(model: tf.LayersModel, dir: string, name: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightsFile = `${name}.weights.bin`;
      writeFileSync(join(dir, weightsFile), Buffer.from(artifacts.weightData as ArrayBuffer));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

async function loadNetwork(dir: string, name: string): Promise<tf.LayersModel> {
  const jsonPath = join(dir, `${name}.json`);
  const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const manifest = json.weightsManifest[0]!;
  const buf = readFileSync(join(dir, manifest.paths[0]!));
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: manifest.weights, weightData }));
}

export async function saveModelDir(dir: string, files: ModelFiles): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const name of NET_NAMES) await saveNetwork(files.networks[name], dir, name);
  // One term per line: readable in a diff, and small enough to ship with hundreds of terms.
  const lines = [...files.terms].map(([term, info]) => `${JSON.stringify(term)}: ${JSON.stringify({ ...info, z: info.z.map((v) => Math.fround(v)) })}`);
  writeFileSync(join(dir, 'terms.json'), `{\n${lines.join(',\n')}\n}\n`);
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(files.meta, null, 1) + '\n');
}

/** Loads a model directory; any missing or unreadable part is a DataFileError naming the directory and the part. */
export async function loadModelDir(dir: string): Promise<ModelFiles> {
  if (!existsSync(dir)) throw new DataFileError(dir, 'no model directory here (pass --model DIR, or train one with `eqmorph train --out DIR`)');
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as ModelMeta;
    if (meta.formatVersion !== 1) throw new Error(`unsupported model format version ${String(meta.formatVersion)}`);
    const termsObj = JSON.parse(readFileSync(join(dir, 'terms.json'), 'utf8')) as Record<string, TermInfo>;
    const [encoder, head, decoder] = await Promise.all(NET_NAMES.map((n) => loadNetwork(dir, n)));
    const terms = new Map(Object.entries(termsObj));
    for (const [term, info] of terms) {
      if (!Array.isArray(info.z) || info.z.length !== meta.config.latentDim) throw new Error(`term "${term}" has a malformed centroid`);
    }
    return { networks: { encoder: encoder!, head: head!, decoder: decoder! }, terms, meta };
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    // A parser's message may quote the file's text, newlines included; the user gets one line.
    throw new DataFileError(dir, `corrupt or incomplete model directory: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')}`);
  }
}
