// A custom tfjs layer that makes every decoded parameter physically valid by construction: bounded gain, log-bounded freq and Q.

import * as tf from './tf.js';
import { GAIN_RANGE, PARAMS } from '../eq/bands.js';

/** Per-column constants: gains use tanh x maxGain; freq and Q map a sigmoid onto [ln min, ln max]. */
function columnConstants() {
  const isGain = PARAMS.map((p) => (p.kind === 'gain' ? 1 : 0));
  const lnLo = PARAMS.map((p) => (p.kind === 'gain' ? 0 : Math.log(p.range.min)));
  const lnSpan = PARAMS.map((p) => (p.kind === 'gain' ? 0 : Math.log(p.range.max / p.range.min)));
  return { isGain, lnLo, lnSpan };
}

export class ParamHeads extends tf.layers.Layer {
  static readonly className = 'EqmorphParamHeads';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor2D;
      const { isGain, lnLo, lnSpan } = columnConstants();
      const gainMask = tf.tensor1d(isGain);
      const gains = tf.tanh(x).mul(GAIN_RANGE.max);
      const logs = tf.exp(tf.sigmoid(x).mul(tf.tensor1d(lnSpan)).add(tf.tensor1d(lnLo)));
      return gains.mul(gainMask).add(logs.mul(tf.scalar(1).sub(gainMask)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}

tf.serialization.registerClass(ParamHeads);
