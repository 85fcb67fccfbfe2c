// Layer normalisation over the last axis by broadcasting: the same function and weights as tfjs-layers' own, fewer kernels to train.

import * as tf from './tf.js';

export interface LayerNormArgs {
  readonly name?: string;
  /** Added to the variance, as tfjs-layers' layerNormalization does (its default too). */
  readonly epsilon?: number;
}

/**
 * (x - mean) / sqrt(variance + epsilon) x gamma + beta, statistics over the last axis of each row. tfjs-layers' layer
 * tiles the mean, variance, gamma and beta to the full batch x width before a batch-normalisation kernel; its gradient
 * then runs on those full tensors. Broadcasting does the same arithmetic with about half the full-size kernels in a
 * training step, and none of the Tile kernels.
 */
export class LayerNorm extends tf.layers.Layer {
  static readonly className = 'EqmorphLayerNorm';
  private readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: LayerNormArgs) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const width = shape[shape.length - 1]!;
    this.gamma = this.addWeight('gamma', [width], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [width], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const { mean, variance } = tf.moments(x, -1, true);
      const normalised = x.sub(mean).mul(tf.rsqrt(variance.add(this.epsilon)));
      return normalised.mul(this.gamma!.read()).add(this.beta!.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(LayerNorm);
