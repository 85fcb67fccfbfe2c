import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MODEL_DIR } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { modelProblem } from '../../src/model/check-model.js';
import { EqModel } from '../../src/model/eq-model.js';

test('the shipped model passes the load check in full: finite weights and centroids, sampled centroids decoding in range', async () => {
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  assert.equal(modelProblem(model), null);
  const term = model.terms[0]!;
  (model.files.terms.get(term)!.z as number[])[0] = Number.NaN;
  assert.deepEqual(modelProblem(model, { decode: false })?.file, 'terms.json');
});
