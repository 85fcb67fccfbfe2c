import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { PARAMS } from '../../src/eq/bands.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import { buildNetworks } from '../../src/model/network.js';
import * as tf from '../../src/model/tf.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { DenseDecoder } from '../../src/morph/dense-decoder.js';

let model: EqModel;
let dense: DenseDecoder;
before(async () => {
  await initBackend();
  model = await EqModel.load(DEFAULT_MODEL_DIR);
  const d = new CachedDecoder(model).dense;
  assert.ok(d, 'the shipped network is one the JavaScript evaluator knows');
  dense = d;
});

/** Gains within 0.001 dB, frequencies and Qs within 0.1 %. */
function assertSameParams(got: ArrayLike<number>, want: ArrayLike<number>): void {
  PARAMS.forEach((p, j) => {
    if (p.kind === 'gain') assert.ok(Math.abs(got[j]! - want[j]!) <= 1e-3, `${p.name}: ${got[j]} vs ${want[j]}`);
    else assert.ok(Math.abs(got[j]! / want[j]! - 1) <= 1e-3, `${p.name}: ${got[j]} vs ${want[j]}`);
  });
}

test('for any term pair and alpha, the JavaScript decoder gives what tfjs gives: within 0.001 dB and 0.1 % of frequency and Q', () => {
  fc.assert(
    fc.property(fc.constantFrom(...model.terms), fc.constantFrom(...model.terms), fc.double({ min: 0, max: 1, noNaN: true }), (a, b, x) => {
      const z = model.interpolate(a, b, x);
      assertSameParams(dense.decode(z), model.decodeLatents([z], { sorted: false })[0]!);
    }),
    { numRuns: 60 },
  );
});

test('a network with a layer the evaluator does not know gives no JavaScript decoder (tfjs decodes)', () => {
  const input = tf.input({ shape: [4] });
  const out = tf.layers.dense({ units: 13, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: out });
  const zs = [[0.1, 0.2, 0.3, 0.4]];
  assert.equal(DenseDecoder.from(net, { zs, tfjs: (z) => (net.predict(tf.tensor2d(z as number[][])) as tf.Tensor).arraySync() as number[][] }), null);
});

test('a network that decodes otherwise than the evaluator computes gives no JavaScript decoder', () => {
  const zs = [model.interpolate(model.terms[0]!, model.terms[1]!, 0.5)];
  const shifted = (z: readonly (readonly number[])[]) => model.decodeLatents(z, { sorted: false }).map((row) => row.map((v) => v + 1));
  assert.equal(DenseDecoder.from(model.files.networks.decoder, { zs, tfjs: shifted }), null);
});

test("a network trained with eqmorph's own layer normalisation is decoded in JavaScript too, its scale and offset each in its place", () => {
  const { decoder } = buildNetworks(DEFAULT_CONFIG);
  const norms = decoder.layers.filter((l) => l.getClassName() === 'EqmorphLayerNorm');
  assert.ok(norms.length > 0, 'the decoder a training builds normalises with EqmorphLayerNorm');
  // Weights away from their initial 1 and 0, and unlike each other, so a scale read as the offset shows.
  let seed = 7;
  const next = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 0.5;
  for (const layer of norms) layer.setWeights(layer.getWeights().map((w) => tf.tensor1d(Array.from({ length: w.size }, next))));
  const zs = Array.from({ length: 4 }, () => Array.from({ length: DEFAULT_CONFIG.latentDim }, next));
  const tfjs = (z: readonly (readonly number[])[]) => (decoder.predict(tf.tensor2d(z as number[][])) as tf.Tensor).arraySync() as number[][];
  const js = DenseDecoder.from(decoder, { zs: zs.slice(0, 2), tfjs });
  assert.ok(js, 'the evaluator knows the layer');
  const want = tfjs(zs);
  zs.forEach((z, i) => assertSameParams(js.decode(z), want[i]!));
});

test('a linear activation layer is evaluated as the identity, as tfjs evaluates it', () => {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 13, kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 3 }) }).apply(input);
  const out = tf.layers.activation({ activation: 'linear' }).apply(hidden) as tf.SymbolicTensor;
  const net = tf.model({ inputs: input, outputs: out });
  const tfjs = (z: readonly (readonly number[])[]) => (net.predict(tf.tensor2d(z as number[][])) as tf.Tensor).arraySync() as number[][];
  const zs = [[0.1, -0.7, 0.3, 0.9], [-0.5, 0.2, -0.1, 0.4], [0.8, 0.6, -0.9, -0.3]];
  const js = DenseDecoder.from(net, { zs: zs.slice(0, 2), tfjs });
  assert.ok(js, 'the evaluator knows the layer');
  tfjs(zs.slice(2))[0]!.forEach((v, j) => assert.ok(Math.abs(js.decode(zs[2]!)[j]! - v) < 1e-5, `output ${j}`));
});
