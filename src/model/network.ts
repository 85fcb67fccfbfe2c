// The residual encoder, semantic head and decoder of eqmorph's model, built from tfjs layers.

import * as tf from './tf.js';
import { PARAM_COUNT } from '../eq/bands.js';
import type { ModelConfig } from './config.js';
import { LayerNorm } from './layer-norm.js';
import { ParamHeads } from './param-heads.js';
import { SeededDropout } from './seeded-dropout.js';

export interface Networks {
  /** normalised params (13) -> latent z (k), tanh-bounded. */
  readonly encoder: tf.LayersModel;
  /** z -> semantic embedding (before L2 normalisation), used only by the contrastive loss. */
  readonly head: tf.LayersModel;
  /** z -> physical params (13): gain dB, freq Hz, Q. */
  readonly decoder: tf.LayersModel;
}

let layerSeed = 0;
function init(seed: number) {
  return tf.initializers.glorotUniform({ seed: seed + layerSeed++ });
}

/** Linear -> ReLU -> LayerNorm -> Dropout -> Linear -> LayerNorm, plus a (projected) skip, then ReLU. */
function resBlock(x: tf.SymbolicTensor, width: number, dropout: number, seed: number, name: string): tf.SymbolicTensor {
  const inWidth = x.shape[x.shape.length - 1]!;
  let h = tf.layers.dense({ units: width, activation: 'relu', kernelInitializer: init(seed), name: `${name}_fc1` }).apply(x) as tf.SymbolicTensor;
  h = new LayerNorm({ name: `${name}_ln1` }).apply(h) as tf.SymbolicTensor;
  if (dropout > 0) h = new SeededDropout({ rate: dropout, seed: seed + layerSeed++, name: `${name}_drop` }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ units: width, kernelInitializer: init(seed), name: `${name}_fc2` }).apply(h) as tf.SymbolicTensor;
  h = new LayerNorm({ name: `${name}_ln2` }).apply(h) as tf.SymbolicTensor;
  const skip =
    inWidth === width
      ? x
      : (tf.layers.dense({ units: width, useBias: false, kernelInitializer: init(seed), name: `${name}_proj` }).apply(x) as tf.SymbolicTensor);
  const sum = tf.layers.add({ name: `${name}_add` }).apply([h, skip]) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(sum) as tf.SymbolicTensor;
}

function stack(input: tf.SymbolicTensor, cfg: ModelConfig, prefix: string): tf.SymbolicTensor {
  let h = input;
  cfg.blockWidths.forEach((w, i) => {
    h = resBlock(h, w, cfg.dropout, cfg.seed, `${prefix}_res${i + 1}`);
  });
  return h;
}

function dense(units: number, activation: 'relu' | 'tanh' | 'linear', seed: number, name: string) {
  return tf.layers.dense({ units, activation, kernelInitializer: init(seed), name });
}

export function buildNetworks(cfg: ModelConfig): Networks {
  layerSeed = 0;
  const k = cfg.latentDim;

  const xIn = tf.input({ shape: [PARAM_COUNT], name: 'params' });
  let h = stack(xIn, cfg, 'enc');
  h = dense(2 * k, 'relu', cfg.seed, 'enc_latent1').apply(h) as tf.SymbolicTensor;
  const z = dense(k, 'tanh', cfg.seed, 'enc_latent2').apply(h) as tf.SymbolicTensor;
  const encoder = tf.model({ inputs: xIn, outputs: z, name: 'encoder' });

  const zIn = tf.input({ shape: [k], name: 'z' });
  const emb = dense(cfg.embeddingDim, 'linear', cfg.seed, 'sem_head').apply(zIn) as tf.SymbolicTensor;
  const head = tf.model({ inputs: zIn, outputs: emb, name: 'semantic_head' });

  const zDec = tf.input({ shape: [k], name: 'z_dec' });
  let d = stack(zDec, cfg, 'dec');
  d = dense(2 * PARAM_COUNT, 'relu', cfg.seed, 'dec_out1').apply(d) as tf.SymbolicTensor;
  d = dense(PARAM_COUNT, 'linear', cfg.seed, 'dec_out2').apply(d) as tf.SymbolicTensor;
  const phys = new ParamHeads({ name: 'param_heads' }).apply(d) as tf.SymbolicTensor;
  const decoder = tf.model({ inputs: zDec, outputs: phys, name: 'decoder' });

  return { encoder, head, decoder };
}
