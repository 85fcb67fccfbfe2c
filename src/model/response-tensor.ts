// The 5-band EQ's magnitude response in dB as a differentiable tfjs function of its 13 parameters (mirrors src/eq/response.ts).

import * as tf from './tf.js';
import { BAND_SPECS, PARAMS } from '../eq/bands.js';
import { SAMPLE_RATE } from '../eq/grid.js';
import { warpGrid } from '../eq/response.js';

/** Column of each band's gain, frequency and Q in the 13-parameter row (-1: fixed Q). */
const COLUMNS = BAND_SPECS.map((spec, b) => ({
  type: spec.type,
  fixedQ: spec.fixedQ,
  gain: PARAMS.findIndex((p) => p.band === b && p.kind === 'gain'),
  freq: PARAMS.findIndex((p) => p.band === b && p.kind === 'freq'),
  q: PARAMS.findIndex((p) => p.band === b && p.kind === 'q'),
}));

/**
 * Responses [n, freqs] in dB of parameter rows [n, 13] (physical units), by the same bilinear-prototype identity as
 * multiplyBandPower: |H|^2 at tan^2(pi f / fs) relative to tan^2(pi f0 / fs). Gradients flow to every parameter, so
 * an optimiser can ask what a decoded point sounds like (e.g. to find the latent point that sounds like a word).
 */
export function responseDbTensor(params: tf.Tensor2D, freqs: ArrayLike<number>, fs = SAMPLE_RATE): tf.Tensor2D {
  return tf.tidy(() => {
    const w = tf.tensor2d(Array.from(warpGrid(freqs, fs)), [1, freqs.length]);
    const col = (j: number) => params.slice([0, j], [-1, 1]);
    let power: tf.Tensor2D | null = null;
    for (const c of COLUMNS) {
      const A = tf.pow(10, col(c.gain).div(40));
      const k = tf.tan(col(c.freq).mul(Math.PI / fs));
      const x = w.div(k.square());
      const invQ2 = c.fixedQ !== null ? tf.scalar(1 / (c.fixedQ * c.fixedQ)) : tf.reciprocal(col(c.q).square());
      let band: tf.Tensor;
      if (c.type === 'peaking') {
        const d2 = tf.square(tf.scalar(1).sub(x));
        const A2 = A.square();
        band = d2.add(x.mul(A2).mul(invQ2)).div(d2.add(x.mul(invQ2).div(A2)));
      } else {
        const mid = x.mul(A).mul(invQ2);
        const pp = tf.square(A.sub(x)).add(mid);
        const rr = tf.square(tf.scalar(1).sub(A.mul(x))).add(mid);
        band = A.square().mul(c.type === 'lowshelf' ? pp.div(rr) : rr.div(pp));
      }
      power = power ? power.mul(band) : (band as tf.Tensor2D);
    }
    return tf.log(power!).mul(10 / Math.LN10) as tf.Tensor2D;
  });
}
