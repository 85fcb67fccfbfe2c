// Profiles one training step of the default configuration: its pieces timed apart, and the kernels it runs.
//
//   node --import tsx bench/train-profile.ts [--steps=N] [--top=N]
//
// The step is train.ts's own (stepLoss under Adam's minimize) on batches of the real shapes (64 rows of 13
// parameters, 359 terms, 3 + 32 anchors drawn); the values are random, which does not change the work. Each piece is
// timed over N steps after a warm-up; tf.profile times every kernel of one step, and what the kernels do not account
// for is JavaScript: tfjs-layers' graph walk, the gradient tape, tensor bookkeeping.

import { initBackend } from '../src/model/backend.js';
import { DEFAULT_CONFIG } from '../src/model/config.js';
import { reconstructionLoss, supervisedContrastiveLoss } from '../src/model/losses.js';
import { buildNetworks } from '../src/model/network.js';
import * as tf from '../src/model/tf.js';
import { stepLoss, type AnchorDraw } from '../src/model/train.js';
import { PARAM_COUNT } from '../src/eq/bands.js';

const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const steps = arg('steps', 20);
const top = arg('top', 20);
const cfg = DEFAULT_CONFIG;
const TERMS = 359;
const ANCHORS = 3 + cfg.socialAnchorsPerStep;

const backend = await initBackend();
const nets = buildNetworks(cfg);
const optimizer = tf.train.adam(cfg.learningRate);
const vars = [...nets.encoder.trainableWeights, ...nets.head.trainableWeights, ...nets.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
const stats = { mean: new Array<number>(PARAM_COUNT).fill(0), std: new Array<number>(PARAM_COUNT).fill(1) };
// Half the batch from the three SAFE terms, half from the words, as in the real data.
const labels = Array.from({ length: cfg.batchSize }, (_, i) => (i % 2 === 0 ? i % 3 : 3 + ((i * 7) % (TERMS - 3))));
const xb = tf.randomNormal([cfg.batchSize, PARAM_COUNT], 0, 1, 'float32', 1) as tf.Tensor2D;
const yb = tf.oneHot(tf.tensor1d(labels, 'int32'), TERMS).toFloat() as tf.Tensor2D;
const anchor: AnchorDraw = {
  centroids: tf.randomUniform([TERMS, cfg.latentDim], -0.5, 0.5, 'float32', 2) as tf.Tensor2D,
  targets: tf.randomNormal([TERMS, PARAM_COUNT], 0, 1, 'float32', 3) as tf.Tensor2D,
  rows: tf.tensor1d(Array.from({ length: ANCHORS }, (_, i) => (i < 3 ? i : 3 + i * 9)), 'int32'),
  weights: tf.fill([ANCHORS, 1], 1 / ANCHORS) as tf.Tensor2D,
};
const ctx = { cfg, stats, polishing: false };
const embeddings = tf.randomNormal([cfg.batchSize, cfg.embeddingDim], 0, 1, 'float32', 4) as tf.Tensor2D;

/** CPU milliseconds per call (the process's user + system time): on a shared machine wall time also counts the waits. */
function timed(name: string, piece: () => tf.Tensor): [string, number] {
  for (let i = 0; i < 3; i++) tf.tidy(() => piece().dataSync());
  const before = process.cpuUsage();
  for (let i = 0; i < steps; i++) tf.tidy(() => piece().dataSync());
  const used = process.cpuUsage(before);
  return [name, (used.user + used.system) / 1000 / steps];
}

const forward = () => {
  const z = nets.encoder.apply(xb, { training: true }) as tf.Tensor2D;
  return tf.stack([(nets.head.apply(z, { training: true }) as tf.Tensor2D).sum(), (nets.decoder.apply(z, { training: true }) as tf.Tensor2D).sum()]);
};
const pieces = [
  timed('batch tensors (13 floats and a one-hot label per row)', () => {
    const x = tf.tensor2d(new Float32Array(cfg.batchSize * PARAM_COUNT), [cfg.batchSize, PARAM_COUNT]);
    return tf.oneHot(tf.tensor1d(labels, 'int32'), TERMS).toFloat().sum().add(x.sum());
  }),
  timed('forward: encoder, head, decoder', () => forward()),
  timed('forward + reconstruction + contrastive', () => {
    const z = nets.encoder.apply(xb, { training: true }) as tf.Tensor2D;
    const r = reconstructionLoss(nets.decoder.apply(z, { training: true }) as tf.Tensor2D, xb, stats);
    return r.add(supervisedContrastiveLoss(nets.head.apply(z, { training: true }) as tf.Tensor2D, yb, cfg.temperature));
  }),
  timed('forward + all three losses (the step loss)', () => stepLoss(nets, { xb, yb }, ctx, anchor).loss),
  timed('  of which the contrastive loss alone', () => supervisedContrastiveLoss(embeddings, yb, cfg.temperature)),
  timed("  of which the anchor loss's decoder pass", () => nets.decoder.apply(tf.gather(anchor.centroids, anchor.rows), { training: false }) as tf.Tensor),
  timed('loss and gradients (variableGrads)', () => {
    const { value, grads } = tf.variableGrads(() => stepLoss(nets, { xb, yb }, ctx, anchor).loss, vars);
    return tf.stack([value, ...Object.values(grads).map((g) => g.sum())]);
  }),
  timed('whole step: minimize with Adam', () => optimizer.minimize(() => stepLoss(nets, { xb, yb }, ctx, anchor).loss, true, vars)!),
];

// Kernel times are wall time (tf.profile's clock), so they are summed over all steps to even out the waits.
const byKernel = new Map<string, { ms: number; calls: number }>();
for (let i = 0; i < steps; i++) {
  const info = await tf.profile(() => optimizer.minimize(() => stepLoss(nets, { xb, yb }, ctx, anchor).loss, true, vars)!);
  for (const k of info.kernels) {
    const row = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    row.ms += (k.kernelTimeMs as number) / steps;
    row.calls += 1 / steps;
    byKernel.set(k.name, row);
  }
}
const kernelMs = [...byKernel.values()].reduce((a, r) => a + r.ms, 0);
const kernelCalls = [...byKernel.values()].reduce((a, r) => a + r.calls, 0);
const stepMs = pieces.at(-1)![1];
const lines = [
  `backend ${backend.name}${backend.name === 'wasm' ? ` (SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT')})` : ''}, ${steps} steps per piece, CPU ms per step`,
  ...pieces.map(([name, ms]) => `${name.padEnd(56)} ${ms.toFixed(2).padStart(8)}`),
  '',
  `one whole step profiled: ${kernelCalls.toFixed(0)} kernel calls, ${kernelMs.toFixed(2)} ms in kernels ` +
    `(${((1000 * kernelMs) / kernelCalls).toFixed(1)} µs per call); the other ${(stepMs - kernelMs).toFixed(2)} ms of the step is JavaScript`,
  'kernel                       ms   share  calls',
  ...[...byKernel.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([name, r]) => `${name.padEnd(24)} ${r.ms.toFixed(2).padStart(7)} ${((100 * r.ms) / kernelMs).toFixed(1).padStart(6)} % ${r.calls.toFixed(0).padStart(6)}`),
];
process.stdout.write(lines.join('\n') + '\n');
