// The training loop: reconstruction + supervised contrastive loss with Adam, seeded, with per-epoch progress and early stopping.

import * as tf from '@tensorflow/tfjs';
import type { NormStats } from '../data/normalise.js';
import { seededRng, shuffled } from '../data/random.js';
import type { ModelConfig } from './config.js';
import { toArrays, type PreparedData } from './dataset.js';
import { reconstructionLoss, supervisedContrastiveLoss } from './losses.js';
import { buildNetworks, type Networks } from './network.js';

export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly reconstruction: number;
  readonly contrastive: number;
  readonly heldOutReconstruction: number;
  readonly seconds: number;
}

export interface TrainResult {
  readonly networks: Networks;
  readonly history: readonly EpochReport[];
  readonly seconds: number;
  /** Epoch whose weights were kept (the best held-out reconstruction when early stopping is on). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

export async function train(data: PreparedData, cfg: ModelConfig, onEpoch?: (r: EpochReport) => void): Promise<TrainResult> {
  const t0 = performance.now();
  const nets = buildNetworks(cfg);
  const optimizer = tf.train.adam(cfg.learningRate);
  const vars = [...nets.encoder.trainableWeights, ...nets.head.trainableWeights, ...nets.decoder.trainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  const tr = toArrays(data.train, data.terms, data.stats);
  const ho = toArrays(data.heldOut, data.terms, data.stats);
  const hoX = tf.tensor2d(ho.x, [data.heldOut.length, ho.width]);
  const rng = seededRng(cfg.seed + 1);
  const history: EpochReport[] = [];
  const n = data.train.length;
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const order = shuffled([...Array(n).keys()], rng);
    let reconSum = 0;
    let conSum = 0;
    let batches = 0;
    for (let start = 0; start < n; start += cfg.batchSize) {
      const idx = order.slice(start, start + cfg.batchSize);
      if (idx.length < 2) continue; // a contrastive batch needs pairs
      const { xb, yb } = batchTensors(tr, idx, data.terms.length);
      let recon = 0;
      let con = 0;
      const lossT = optimizer.minimize(
        () => {
          const z = nets.encoder.apply(xb, { training: true }) as tf.Tensor2D;
          const emb = nets.head.apply(z, { training: true }) as tf.Tensor2D;
          const phys = nets.decoder.apply(z, { training: true }) as tf.Tensor2D;
          const r = reconstructionLoss(phys, xb, data.stats);
          const c = supervisedContrastiveLoss(emb, yb, cfg.temperature);
          const both = tf.stack([r, c]);
          parts = tf.keep(both);
          return r.add(c.mul(cfg.contrastiveWeight)) as tf.Scalar;
        },
        true,
        vars,
      );
      const partValues = await parts!.data();
      recon = partValues[0]!;
      con = partValues[1]!;
      parts!.dispose();
      lossT?.dispose();
      xb.dispose();
      yb.dispose();
      reconSum += recon;
      conSum += con;
      batches++;
    }
    const heldOutReconstruction = evaluateReconstruction(nets, hoX, data.stats);
    const report: EpochReport = {
      epoch,
      epochs: cfg.epochs,
      reconstruction: reconSum / batches,
      contrastive: conSum / batches,
      heldOutReconstruction,
      seconds: (performance.now() - t0) / 1000,
    };
    history.push(report);
    onEpoch?.(report);
    if (heldOutReconstruction < best - cfg.minDelta) {
      best = heldOutReconstruction;
      bestEpoch = epoch;
      sinceBest = 0;
      if (cfg.patience > 0) {
        bestWeights?.forEach((t) => t.dispose());
        bestWeights = vars.map((v) => tf.keep(v.clone()));
      }
    } else if (cfg.patience > 0 && ++sinceBest >= cfg.patience) {
      stoppedEarly = true;
      break;
    }
  }
  if (bestWeights && stoppedEarly) vars.forEach((v, i) => v.assign(bestWeights![i]!));
  bestWeights?.forEach((t) => t.dispose());
  hoX.dispose();
  optimizer.dispose();
  return { networks: nets, history, seconds: (performance.now() - t0) / 1000, bestEpoch: stoppedEarly ? bestEpoch : history.length, stoppedEarly };
}

let parts: tf.Tensor | null = null;

function batchTensors(tr: { x: Float32Array; labels: Int32Array; width: number }, idx: readonly number[], classes: number) {
  const xb = new Float32Array(idx.length * tr.width);
  const lb = new Int32Array(idx.length);
  idx.forEach((row, i) => {
    xb.set(tr.x.subarray(row * tr.width, (row + 1) * tr.width), i * tr.width);
    lb[i] = tr.labels[row]!;
  });
  return {
    xb: tf.tensor2d(xb, [idx.length, tr.width]),
    yb: tf.tidy(() => tf.oneHot(tf.tensor1d(lb, 'int32'), classes).toFloat() as tf.Tensor2D),
  };
}

/** Mean squared reconstruction error in the normalised space, dropout off. */
export function evaluateReconstruction(nets: Networks, xNorm: tf.Tensor2D, stats: NormStats): number {
  return tf.tidy(() => {
    const z = nets.encoder.apply(xNorm, { training: false }) as tf.Tensor2D;
    const phys = nets.decoder.apply(z, { training: false }) as tf.Tensor2D;
    return reconstructionLoss(phys, xNorm, stats).dataSync()[0]!;
  });
}
