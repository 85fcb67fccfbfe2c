import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as tf from '../../src/model/tf.js';

/** The gradient of sum(w * tile(x, reps)) with respect to x, summed by hand: each w lands on the x it copies. */
function tiledSumByHand(w: Float32Array, xShape: readonly number[], reps: readonly number[]): number[] {
  const outShape = xShape.map((s, i) => s * reps[i]!);
  const grad = new Array<number>(xShape.reduce((a, b) => a * b, 1)).fill(0);
  w.forEach((value, flat) => {
    let rest = flat;
    let xFlat = 0;
    let stride = 1;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const o = rest % outShape[d]!;
      rest = Math.floor(rest / outShape[d]!);
      xFlat += (o % xShape[d]!) * stride;
      stride *= xShape[d]!;
    }
    grad[xFlat]! += value;
  });
  return grad;
}

const shapeAndReps = fc
  .integer({ min: 1, max: 4 })
  .chain((rank) =>
    fc.tuple(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: rank, maxLength: rank }), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: rank, maxLength: rank })),
  );

test("tile's gradient is the sum of the upstream gradient's tiles, for any rank, shape and repetition", () => {
  fc.assert(
    fc.property(shapeAndReps, fc.integer(), ([xShape, reps], seed) => {
      const outSize = xShape.reduce((a, s, i) => a * s * reps[i]!, 1);
      const w = tf.randomNormal([outSize], 0, 1, 'float32', seed);
      const wValues = w.dataSync() as Float32Array;
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.reshape(tf.tile(x, reps), [outSize]).mul(w)))(tf.zeros(xShape));
      assert.deepEqual(grad.shape, xShape);
      const expected = tiledSumByHand(wValues, xShape, reps);
      Array.from(grad.dataSync()).forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) <= 1e-4 * (1 + Math.abs(expected[i]!)), `${g} vs ${expected[i]}`));
      tf.dispose([w, grad]);
    }),
    { numRuns: 200 },
  );
});

test("tile's gradient runs one reduction whatever the repetition, not a kernel per tile", async () => {
  const x = tf.zeros([64, 1]);
  const info = await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.tile(v, [1, 256])))(x));
  const kernels = info.kernels.map((k) => k.name);
  assert.equal(kernels.filter((n) => n === 'Slice').length, 0);
  assert.ok(kernels.length < 10, kernels.join(' '));
  x.dispose();
});
