import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as tf from '../../src/model/tf.js';
import { inRange, PARAMS } from '../../src/eq/bands.js';
import { DataFileError } from '../../src/data/errors.js';
import { DEFAULT_CONFIG, withOverrides } from '../../src/model/config.js';
import { EqModel } from '../../src/model/eq-model.js';
import { loadModelDir, saveModelDir, type ModelFiles } from '../../src/model/model-dir.js';
import { buildNetworks } from '../../src/model/network.js';

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-model-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function tinyModel(): ModelFiles {
  const config = withOverrides(DEFAULT_CONFIG, { blockWidths: [8, 8], latentDim: 4, embeddingDim: 4 });
  const z = (s: number) => [s, -s, s / 2, 0];
  return {
    networks: buildNetworks(config),
    terms: new Map([
      ['warm', { z: z(0.5), source: 'safe', language: 'English', count: 10, agreement: null, fitErrorDb: null }],
      ['bright', { z: z(-0.5), source: 'safe', language: 'English', count: 10, agreement: null, fitErrorDb: null }],
    ]),
    meta: {
      formatVersion: 1,
      config,
      stats: { mean: PARAMS.map(() => 0), std: PARAMS.map(() => 1) },
      dataset: { path: 'x', sha256: 'y', examples: 0, heldOut: 0 },
      training: { seconds: 0, epochs: 0, bestEpoch: 0, stoppedEarly: false, backend: 'cpu', history: [] },
      versions: {},
      createdAt: 'now',
    },
  };
}

test('a saved model directory loads back and decodes identically', async () => {
  const original = new EqModel(tinyModel());
  await saveModelDir(dir, original.files);
  const loaded = await EqModel.load(dir);
  assert.deepEqual(loaded.terms, ['warm', 'bright']);
  for (const alpha of [0, 0.3, 1]) assert.deepEqual(loaded.decode('warm', 'bright', alpha), original.decode('warm', 'bright', alpha));
});

test('decoded settings are in range with peaking bands in ascending frequency', () => {
  const m = new EqModel(tinyModel());
  for (let a = 0; a <= 1; a += 0.1) {
    const [p] = m.decodeLatents([m.interpolate('warm', 'bright', a)]);
    assert.ok(inRange(p!.map((v, i) => Math.min(Math.max(v, PARAMS[i]!.range.min), PARAMS[i]!.range.max))));
    assert.ok(p![3]! <= p![6]! && p![6]! <= p![9]!);
  }
});

test('decoding many times leaves the tensor count flat', () => {
  const m = new EqModel(tinyModel());
  m.decode('warm', 'bright', 0.5);
  const before = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) m.decode('warm', 'bright', i / 200);
  assert.equal(tf.memory().numTensors, before);
});

test('a missing directory and a corrupt one are DataFileErrors naming the path', async () => {
  await assert.rejects(loadModelDir(join(dir, 'nope')), (e: unknown) => e instanceof DataFileError && e.message.includes('nope'));
  const broken = mkdtempSync(join(tmpdir(), 'eqmorph-broken-'));
  writeFileSync(join(broken, 'meta.json'), '{ not json');
  await assert.rejects(loadModelDir(broken), (e: unknown) => e instanceof DataFileError && /corrupt or incomplete/.test(e.message));
  rmSync(broken, { recursive: true });
});

test('an unknown term is a RangeError, not a silent default', () => {
  assert.throws(() => new EqModel(tinyModel()).decode('warm', 'fuzzy', 0.5), /unknown term "fuzzy"/);
});
