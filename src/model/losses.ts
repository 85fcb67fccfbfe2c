// Training losses: reconstruction in the normalised parameter space and the supervised contrastive (NT-Xent) loss.

import * as tf from './tf.js';
import { PARAMS } from '../eq/bands.js';
import type { NormStats } from '../data/normalise.js';

/** Physical params -> normalised space (gain z-scored in dB; freq and Q z-scored in log2), inside the graph. */
export function normaliseTensor(phys: tf.Tensor2D, stats: NormStats): tf.Tensor2D {
  return tf.tidy(() => {
    const isGain = tf.tensor1d(PARAMS.map((p) => (p.kind === 'gain' ? 1 : 0)), 'bool');
    // Clamp before log2 so the (unused) gain columns never produce NaN gradients through `where`.
    const logged = tf.log(tf.maximum(phys, 1e-6)).div(Math.LN2);
    const t = tf.where(isGain, phys, logged);
    return t.sub(tf.tensor1d(stats.mean as number[])).div(tf.tensor1d(stats.std as number[])) as tf.Tensor2D;
  });
}

export function reconstructionLoss(phys: tf.Tensor2D, targetNorm: tf.Tensor2D, stats: NormStats): tf.Scalar {
  return tf.tidy(() => tf.losses.meanSquaredError(targetNorm, normaliseTensor(phys, stats)) as tf.Scalar);
}

/**
 * Supervised NT-Xent (Khosla et al. 2020): for each anchor, the mean log-probability of its same-term positives
 * among all other examples of the batch, with cosine similarity over temperature. Anchors without a positive are skipped.
 */
export function supervisedContrastiveLoss(embeddings: tf.Tensor2D, labelsOneHot: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const n = embeddings.shape[0];
    const e = tf.div(embeddings, tf.norm(embeddings, 2, 1, true).add(1e-8)) as tf.Tensor2D;
    const notSelf = tf.sub(1, tf.eye(n));
    const sim = tf.matMul(e, e, false, true).div(temperature);
    // Subtracting the row max keeps exp() in range without changing the softmax.
    const logits = sim.sub(tf.max(sim, 1, true));
    const expLogits = tf.exp(logits).mul(notSelf);
    const logProb = logits.sub(tf.log(tf.sum(expLogits, 1, true).add(1e-12)));
    const positives = tf.matMul(labelsOneHot, labelsOneHot, false, true).mul(notSelf);
    const posCount = tf.sum(positives, 1);
    const hasPositive = tf.greater(posCount, 0).toFloat();
    const meanLogProbPos = tf.sum(positives.mul(logProb), 1).div(tf.maximum(posCount, 1));
    const anchors = tf.maximum(tf.sum(hasPositive), 1);
    return tf.neg(tf.sum(meanLogProbPos.mul(hasPositive)).div(anchors)) as tf.Scalar;
  });
}
