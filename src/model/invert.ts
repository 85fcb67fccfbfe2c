// Finds the latent point whose decoded EQ sounds like a target curve, by gradient descent through the decoder.

import * as tf from './tf.js';
import { responseDbTensor } from './response-tensor.js';

export interface InvertOptions {
  /** Adam steps (all targets move together, one batched decoder pass per step). */
  readonly steps?: number;
  readonly learningRate?: number;
  /** Pull toward the starting point per squared latent unit, against the mean squared dB error: keeps a point among the codes the decoder was trained on. */
  readonly stayNear?: number;
}

export const INVERT_DEFAULTS: Required<InvertOptions> = { steps: 300, learningRate: 0.02, stayNear: 0.05 };

/**
 * For each target curve (dB at `freqs`, level removed), the latent point near `starts[i]` whose decoded response,
 * level removed, is closest in mean squared dB. Latent codes are tanh-bounded, so the search runs on atanh(z) and
 * every answer is a code the encoder could produce. The model stays the one source of truth for what a point means:
 * this only chooses which point a word names.
 */
export function invertDecoder(decoder: tf.LayersModel, targets: readonly (readonly number[])[], starts: readonly (readonly number[])[], freqs: ArrayLike<number>, opts: InvertOptions = {}): number[][] {
  if (targets.length === 0) return [];
  const { steps, learningRate, stayNear } = { ...INVERT_DEFAULTS, ...opts };
  const z0 = tf.tensor2d(starts.map((z) => z.map((v) => Math.max(-0.999, Math.min(0.999, v)))));
  const target = tf.tensor2d(targets as number[][]);
  const u = tf.variable(tf.atanh(z0));
  const optimizer = tf.train.adam(learningRate);
  const centred = (r: tf.Tensor2D) => r.sub(r.mean(1, true));
  for (let s = 0; s < steps; s++) {
    const cost = optimizer.minimize(
      () => {
        const z = tf.tanh(u);
        const params = decoder.apply(z, { training: false }) as tf.Tensor2D;
        const err = tf.squaredDifference(centred(responseDbTensor(params, freqs)), target).mean();
        return err.add(tf.squaredDifference(z, z0).mean().mul(stayNear)) as tf.Scalar;
      },
      false,
      [u],
    );
    cost?.dispose();
  }
  const out = tf.tidy(() => tf.tanh(u).arraySync() as number[][]);
  [z0, target, u].forEach((t) => t.dispose());
  optimizer.dispose();
  return out;
}
