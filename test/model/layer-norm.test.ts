import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as tf from '../../src/model/tf.js';
import { LayerNorm } from '../../src/model/layer-norm.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

/** Ours and tfjs-layers' layerNormalization, built on the same input width with the same gamma and beta. */
function pair(width: number, seed: number) {
  const ours = new LayerNorm({ name: `ours_${seed}` });
  const theirs = tf.layers.layerNormalization({ name: `theirs_${seed}` });
  ours.build([null, width]);
  theirs.build([null, width]);
  const weights = [tf.randomNormal([width], 1, 0.5, 'float32', seed), tf.randomNormal([width], 0, 0.5, 'float32', seed + 1)];
  ours.setWeights(weights);
  theirs.setWeights(weights);
  tf.dispose(weights);
  return { ours, theirs };
}

// Widths from 3: two values normalise to -1 and +1 whatever they are, so the input gradient there is rounding noise
// (float32), which the two layers round differently.
const cases = fc.record({ rows: fc.integer({ min: 1, max: 12 }), width: fc.integer({ min: 3, max: 40 }), seed: fc.integer({ min: 0, max: 1e6 }), scale: fc.double({ min: 0.01, max: 100, noNaN: true }) });

test("the layer computes tfjs-layers' layer normalisation, for any rows, width, scale, gamma and beta", () => {
  fc.assert(
    fc.property(cases, ({ rows, width, seed, scale }) => {
      const { ours, theirs } = pair(width, seed);
      tf.tidy(() => {
        const x = tf.randomNormal([rows, width], 0, scale, 'float32', seed + 2);
        close((ours.apply(x) as tf.Tensor).dataSync(), (theirs.apply(x) as tf.Tensor).dataSync(), 1e-4, 'output');
      });
    }),
    { numRuns: 100 },
  );
});

test("its gradients with respect to the input, gamma and beta are tfjs-layers' too", () => {
  fc.assert(
    fc.property(cases, ({ rows, width, seed, scale }) => {
      const { ours, theirs } = pair(width, seed);
      tf.tidy(() => {
        const x = tf.randomNormal([rows, width], 0, scale, 'float32', seed + 2);
        const w = tf.randomNormal([rows, width], 0, 1, 'float32', seed + 3);
        const grads = (layer: tf.layers.Layer) => {
          const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
          const { grads: g } = tf.variableGrads(() => tf.sum((layer.apply(x) as tf.Tensor).mul(w)), vars);
          const dx = tf.grad((input: tf.Tensor) => tf.sum((layer.apply(input) as tf.Tensor).mul(w)))(x);
          return [dx, ...vars.map((v) => g[v.name]!)];
        };
        const [ourDx, ourGamma, ourBeta] = grads(ours);
        const [theirDx, theirGamma, theirBeta] = grads(theirs);
        // d/dx divides by the row's spread: relative to the gradient's own size
        const dxScale = tf.max(tf.abs(theirDx!)).dataSync()[0]!;
        close(ourDx!.div(dxScale + 1e-12).dataSync(), theirDx!.div(dxScale + 1e-12).dataSync(), 1e-3, 'dx');
        close(ourGamma!.dataSync(), theirGamma!.dataSync(), 1e-3, 'dgamma');
        close(ourBeta!.dataSync(), theirBeta!.dataSync(), 1e-4, 'dbeta');
      });
    }),
    { numRuns: 60 },
  );
});

test('its config round-trips with its epsilon, and a saved layer is rebuilt as itself', () => {
  const layer = new LayerNorm({ name: 'ln', epsilon: 1e-5 });
  const config = layer.getConfig();
  assert.equal(config.epsilon, 1e-5);
  const rebuilt = tf.serialization.SerializationMap.getMap().classNameMap[LayerNorm.className]![1](LayerNorm, config) as LayerNorm;
  assert.ok(rebuilt instanceof LayerNorm);
  assert.equal(rebuilt.getConfig().epsilon, 1e-5);
});

test('applying it leaves no tensors behind', () => {
  const { ours } = pair(8, 1);
  const x = tf.randomNormal([4, 8]);
  const before = tf.memory().numTensors;
  (ours.apply(x) as tf.Tensor).dispose();
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
});
