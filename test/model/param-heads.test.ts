import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as tf from '../../src/model/tf.js';
import { PARAMS, PARAM_COUNT } from '../../src/eq/bands.js';
import { ParamHeads } from '../../src/model/param-heads.js';

test('every decoded parameter lies in its physical range for any pre-activation, however large', () => {
  const heads = new ParamHeads({});
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: PARAM_COUNT, maxLength: PARAM_COUNT }), (x) => {
      const out = tf.tidy(() => (heads.apply(tf.tensor2d([x])) as tf.Tensor).dataSync());
      PARAMS.forEach((p, i) => {
        // float32 rounding at the ends of a log range: allow one part in 1e5
        const tol = 1e-5 * p.range.max;
        assert.ok(out[i]! >= p.range.min - tol && out[i]! <= p.range.max + tol, `${p.name}=${out[i]} for x=${x[i]}`);
      });
    }),
    { numRuns: 200 },
  );
});

test('a zero pre-activation lands on 0 dB and on the geometric middle of each frequency and Q range', () => {
  const out = tf.tidy(() => (new ParamHeads({}).apply(tf.zeros([1, PARAM_COUNT])) as tf.Tensor).dataSync());
  PARAMS.forEach((p, i) => {
    const expected = p.kind === 'gain' ? 0 : Math.sqrt(p.range.min * p.range.max);
    assert.ok(Math.abs(out[i]! - expected) <= 1e-4 * Math.max(1, expected), `${p.name}`);
  });
});

test('the layer serialises and deserialises to an equivalent layer', () => {
  const layer = new ParamHeads({ name: 'heads' });
  const config = layer.getConfig();
  const copy = tf.serialization.SerializationMap.getMap().classNameMap[ParamHeads.className]![1](ParamHeads, config) as ParamHeads;
  assert.equal(copy.name, 'heads');
  const x = tf.tensor2d([[0.3, -1, 2, 0.5, -0.2, 1, 1, 1, -3, 0, 0.1, 4, -4]]);
  const a = (layer.apply(x) as tf.Tensor).arraySync();
  const b = (copy.apply(x) as tf.Tensor).arraySync();
  assert.deepEqual(a, b);
});
