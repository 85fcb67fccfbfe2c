// The training loop: reconstruction + supervised contrastive loss with Adam, seeded, with per-epoch progress and early stopping.

import * as tf from './tf.js';
import type { NormStats } from '../data/normalise.js';
import { seededRng, shuffled } from '../data/random.js';
import type { ModelConfig } from './config.js';
import { toArrays, type PreparedData } from './dataset.js';
import { normaliseTensor, reconstructionLoss, supervisedContrastiveLoss } from './losses.js';
import { normalise } from '../data/normalise.js';
import { buildNetworks, type Networks } from './network.js';

export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  readonly reconstruction: number;
  readonly contrastive: number;
  readonly anchor: number;
  readonly heldOutReconstruction: number;
  readonly seconds: number;
}

export interface TrainResult {
  readonly networks: Networks;
  readonly history: readonly EpochReport[];
  readonly seconds: number;
  /** Processor time of this process while training (user + system): on a shared machine, nearer what a quiet one takes. */
  readonly cpuSeconds: number;
  /** Epoch whose weights were kept (the best held-out reconstruction when early stopping is on). */
  readonly bestEpoch: number;
  readonly stoppedEarly: boolean;
}

/**
 * Target settings for the anchor loss (physical units), one per term, in groups whose concatenation follows
 * `data.terms`. The anchor loss is the sum over groups of weight x the mean squared error (normalised space) over the
 * group's terms drawn in that step.
 */
export interface AnchorGroup {
  readonly targets: readonly (readonly number[])[];
  readonly weight: number;
  /** Terms drawn per step, without replacement; all when absent. Decoding hundreds of centroids each step costs more than the step. */
  readonly perStep?: number;
}
export type Anchors = readonly AnchorGroup[];

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;

/** Adam whose rate the loop sets before each epoch (tfjs reads the rate at every step). */
class ScheduledAdam extends tf.AdamOptimizer {
  setRate(rate: number): void {
    this.learningRate = rate;
  }
}

/**
 * The learning rate of main epoch `epoch` (1-based) of `mainEpochs`: `learningRate` for the first `constantEpochs`
 * (none when absent), then down to `finalLearningRate` at the last along a half cosine, so the last epochs take small
 * steps and the loss settles.
 */
export function learningRateAt(
  epoch: number,
  mainEpochs: number,
  cfg: Pick<ModelConfig, 'learningRate' | 'finalLearningRate'> & Partial<Pick<ModelConfig, 'constantEpochs'>>,
): number {
  const flat = Math.min(Math.max(0, cfg.constantEpochs ?? 0), mainEpochs - 1);
  if (mainEpochs - flat <= 1) return cfg.learningRate;
  const t = Math.min(1, Math.max(0, (epoch - 1 - flat) / (mainEpochs - 1 - flat)));
  return cfg.finalLearningRate + ((cfg.learningRate - cfg.finalLearningRate) * (1 + Math.cos(Math.PI * t))) / 2;
}

/**
 * How many epochs train the whole model and how many then polish the decoder alone. The polish needs anchors to learn
 * from, and takes at most half of a short run (`--epochs 10`: 5 and 5), so that the encoder is trained first.
 */
export function trainingPhases(cfg: Pick<ModelConfig, 'epochs' | 'polishEpochs'>, useAnchors: boolean): { mainEpochs: number; polishEpochs: number } {
  const polishEpochs = useAnchors ? Math.max(0, Math.min(cfg.polishEpochs, Math.floor(cfg.epochs / 2))) : 0;
  return { mainEpochs: cfg.epochs - polishEpochs, polishEpochs };
}

export async function train(data: PreparedData, cfg: ModelConfig, onEpoch?: (r: EpochReport) => void, anchors?: Anchors): Promise<TrainResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const nets = buildNetworks(cfg);
  const optimizer = new ScheduledAdam(cfg.learningRate, ADAM_BETA1, ADAM_BETA2);
  const vars = [...nets.encoder.trainableWeights, ...nets.head.trainableWeights, ...nets.decoder.trainableWeights].map(
    (w) => w.read() as tf.Variable,
  );
  const tr = toArrays(data.train, data.terms, data.stats);
  const ho = toArrays(data.heldOut, data.terms, data.stats);
  const hoX = tf.tensor2d(ho.x, [data.heldOut.length, ho.width]);
  const trX = tf.tensor2d(tr.x, [data.train.length, tr.width]);
  const useAnchors = anchors !== undefined && cfg.anchorWeight > 0;
  const anchorNorm = useAnchors ? tf.tensor2d(anchors.flatMap((g) => g.targets.map((a) => normalise(a, data.stats)))) : null;
  const drawAnchors = useAnchors ? anchorSampler(anchors, seededRng(cfg.seed + 3)) : null;
  // Which training rows belong to each term, as a [terms x examples] averaging matrix.
  const memberOf = useAnchors ? averagingMatrix(tr.labels, data.terms.length) : null;
  let centroids: tf.Tensor2D | null = null;
  const decoderVars = nets.decoder.trainableWeights.map((w) => w.read() as tf.Variable);
  let polishOptimizer: ScheduledAdam | null = null;
  const rng = seededRng(cfg.seed + 1);
  const history: EpochReport[] = [];
  const n = data.train.length;
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | null = null;
  let sinceBest = 0;
  let stoppedEarly = false;

  const { mainEpochs, polishEpochs } = trainingPhases(cfg, useAnchors);
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const order = shuffled([...Array(n).keys()], rng);
    let reconSum = 0;
    let anchorSum = 0;
    let conSum = 0;
    let batches = 0;
    // Centroids move with the encoder, so they are recomputed each epoch (one forward pass). In the final polish epochs
    // the encoder is frozen: the centroids then stay exactly those the model ships, and the decoder learns to map them.
    const polishing = epoch > mainEpochs;
    const stepVars = polishing ? decoderVars : vars;
    // tfjs's Adam keeps its moments by position in the variable list, so the decoder-only phase needs its own.
    const stepOptimizer = polishing ? (polishOptimizer ??= new ScheduledAdam(cfg.polishLearningRate, ADAM_BETA1, ADAM_BETA2)) : optimizer;
    const firstPolish = polishing && epoch === mainEpochs + 1;
    stepOptimizer.setRate(
      polishing
        ? learningRateAt(epoch - mainEpochs, polishEpochs, { learningRate: cfg.polishLearningRate, finalLearningRate: cfg.polishFinalLearningRate })
        : learningRateAt(epoch, mainEpochs, cfg),
    );
    if (memberOf && (!polishing || firstPolish || centroids === null)) {
      centroids?.dispose();
      centroids = tf.tidy(() => tf.matMul(memberOf, nets.encoder.apply(trX, { training: false }) as tf.Tensor2D));
    }
    for (let start = 0; start < n; start += cfg.batchSize) {
      const idx = order.slice(start, start + cfg.batchSize);
      if (idx.length < 2) continue; // a contrastive batch needs pairs
      const { xb, yb } = batchTensors(tr, idx, data.terms.length);
      const drawn = drawAnchors?.() ?? null;

      let parts: tf.Tensor | null = null;
      const lossT = stepOptimizer.minimize(
        () => {
          const step = stepLoss(nets, { xb, yb }, { cfg, stats: data.stats, polishing }, centroids && anchorNorm && drawn ? { centroids, targets: anchorNorm, ...drawn } : null);
          parts = tf.keep(step.parts);
          return step.loss;
        },
        true,
        stepVars,
      );
      // Reading the parts back waits for the step, which also keeps memory flat.
      const partValues = await (parts as tf.Tensor | null)!.data();
      reconSum += partValues[0]!;
      conSum += partValues[1]!;
      anchorSum += partValues[2]!;
      (parts as tf.Tensor | null)!.dispose();
      lossT?.dispose();
      xb.dispose();
      yb.dispose();
      drawn?.rows.dispose();
      drawn?.weights.dispose();
      batches++;
    }
    const heldOutReconstruction = evaluateReconstruction(nets, hoX, data.stats);
    const report: EpochReport = {
      epoch,
      epochs: cfg.epochs,
      reconstruction: reconSum / batches,
      contrastive: conSum / batches,
      anchor: anchorSum / batches,
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
  trX.dispose();
  anchorNorm?.dispose();
  memberOf?.dispose();
  centroids?.dispose();
  optimizer.dispose();
  polishOptimizer?.dispose();
  const cpu = process.cpuUsage(cpu0);
  return { networks: nets, history, seconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, bestEpoch: stoppedEarly ? bestEpoch : history.length, stoppedEarly };
}

/** One step's anchor terms: their rows in the centroid and target tables, and each row's weight as a column. */
export interface AnchorDraw {
  readonly centroids: tf.Tensor2D;
  /** Anchor settings, normalised, one row per term. */
  readonly targets: tf.Tensor2D;
  readonly rows: tf.Tensor1D;
  readonly weights: tf.Tensor2D;
}

/**
 * One training step's loss, to be minimised: reconstruction + contrastive weight x supervised contrastive + anchor
 * weight x anchor loss. `parts` stacks the three unweighted losses for reporting.
 */
export function stepLoss(
  nets: Networks,
  batch: { readonly xb: tf.Tensor2D; readonly yb: tf.Tensor2D },
  ctx: { readonly cfg: ModelConfig; readonly stats: NormStats; readonly polishing: boolean },
  anchor: AnchorDraw | null,
): { loss: tf.Scalar; parts: tf.Tensor1D } {
  const { cfg, stats } = ctx;
  const z = nets.encoder.apply(batch.xb, { training: true }) as tf.Tensor2D;
  const emb = nets.head.apply(z, { training: true }) as tf.Tensor2D;
  const phys = nets.decoder.apply(z, { training: true }) as tf.Tensor2D;
  const r = reconstructionLoss(phys, batch.xb, stats);
  const c = supervisedContrastiveLoss(emb, batch.yb, cfg.temperature);
  let loss = r.add(c.mul(cfg.contrastiveWeight));
  let a: tf.Scalar = tf.scalar(0);
  if (anchor) {
    const decoded = nets.decoder.apply(tf.gather(anchor.centroids, anchor.rows), { training: false }) as tf.Tensor2D;
    const sq = tf.squaredDifference(tf.gather(anchor.targets, anchor.rows), normaliseTensor(decoded, stats));
    a = tf.sum(sq.mul(anchor.weights)).div(sq.shape[1]!) as tf.Scalar;
    loss = loss.add(a.mul(ctx.polishing ? cfg.polishAnchorWeight : cfg.anchorWeight));
  }
  return { loss: loss as tf.Scalar, parts: tf.stack([r, c, a]) as tf.Tensor1D };
}

/** Each call draws one step's anchor rows (indices into the concatenated groups) and their weights as a column. */
function anchorSampler(groups: Anchors, rng: () => number): () => { rows: tf.Tensor1D; weights: tf.Tensor2D } {
  if (groups.some((g) => !(g.weight >= 0))) throw new RangeError('anchor group weights must be non-negative numbers');
  return () => {
    const rows: number[] = [];
    const weights: number[] = [];
    let offset = 0;
    for (const g of groups) {
      const all = [...g.targets.keys()];
      const drawn = g.perStep !== undefined && g.perStep < all.length ? shuffled(all, rng).slice(0, g.perStep) : all;
      for (const i of drawn) {
        rows.push(offset + i);
        weights.push(g.weight / drawn.length);
      }
      offset += g.targets.length;
    }
    return { rows: tf.tensor1d(rows, 'int32'), weights: tf.tensor2d(weights, [weights.length, 1]) };
  };
}

/** Row t averages the examples labelled t. */
function averagingMatrix(labels: Int32Array, classes: number): tf.Tensor2D {
  const m = new Float32Array(classes * labels.length);
  const counts = new Array<number>(classes).fill(0);
  labels.forEach((l) => counts[l]!++);
  labels.forEach((l, i) => (m[l * labels.length + i] = 1 / counts[l]!));
  return tf.tensor2d(m, [classes, labels.length]);
}

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
