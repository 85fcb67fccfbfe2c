// Checks a loaded model before it is used: every weight finite, every centroid finite, and centroids decoding to finite
// EQ settings inside the band ranges. A model that fails would make the bridge send nothing (or nulls).

import { PARAMS } from '../eq/bands.js';
import type { EqModel } from './eq-model.js';
import * as tf from './tf.js';

/**
 * Centroids decoded by the check, spread over the vocabulary. Decoding is the costly part (about 1 ms a centroid on a
 * quiet machine, after a first call that sets the network up); with every weight and centroid finite, a decoder whose
 * output is squashed into the band ranges cannot stray on a few centroids and not on these, so a sample is enough.
 */
const DECODED_SAMPLE = 8;

/** Decoded parameters may sit this far (relative to the range's width) outside their range: float rounding, not a fault. */
const RANGE_SLACK = 1e-3;

/** What is wrong with the model, as the file it is in and a sentence; null when it can be used. */
export function modelProblem(model: EqModel, opts: { decode?: boolean } = {}): { file: string; problem: string } | null {
  for (const [name, net] of Object.entries(model.files.networks) as [string, tf.LayersModel][]) {
    for (const w of net.weights) {
      const values = w.read().dataSync();
      const bad = values.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) return { file: `${name}.weights.bin`, problem: `weight ${w.name || '?'}[${bad}] is ${values[bad]}; the model is damaged, train it again or use another --model` };
    }
  }
  const terms = model.allTerms;
  const zs = terms.map((t) => model.files.terms.get(t)!.z);
  const badZ = zs.findIndex((z) => z.some((v) => !Number.isFinite(v)));
  if (badZ >= 0) return { file: 'terms.json', problem: `the centroid of "${terms[badZ]}" is not finite; the model is damaged, train it again or use another --model` };
  if (opts.decode === false) return null;
  const picks = [...new Set(Array.from({ length: Math.min(DECODED_SAMPLE, zs.length) }, (_, k) => Math.floor((k * zs.length) / Math.min(DECODED_SAMPLE, zs.length))))];
  const rows = model.decodeLatents(picks.map((i) => zs[i]!), { sorted: false });
  for (const [r, row] of rows.entries()) {
    const i = picks[r]!;
    for (const [p, spec] of PARAMS.entries()) {
      const v = row[p]!;
      const slack = RANGE_SLACK * (spec.range.max - spec.range.min);
      if (!Number.isFinite(v) || v < spec.range.min - slack || v > spec.range.max + slack) {
        return { file: 'decoder.weights.bin', problem: `"${terms[i]}" decodes to ${spec.name} = ${v}, outside ${spec.range.min}..${spec.range.max}; the model is damaged, train it again or use another --model` };
      }
    }
  }
  return null;
}
