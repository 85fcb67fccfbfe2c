import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_SAFE_DB, DEFAULT_SOCIALEQ } from '../../src/data/paths.js';
import { eqmorph } from '../support/cli.js';

test('eval --json reports every key the evaluation promises (needs ../shared/datasets)', { skip: existsSync(DEFAULT_SAFE_DB) ? false : `dataset absent at ${DEFAULT_SAFE_DB}` }, async () => {
  // Fewer word pairs than the default 300 + 190: the keys and counts are what is checked here.
  const r = await eqmorph('eval', '--json', '--pairs', '6', '--top', '4');
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  assert.equal(e.vocabularyPaths.pairs, 6 + 6);
  assert.ok(e.vocabularyPaths.monotonicShare >= 0 && e.vocabularyPaths.monotonicShare <= 1);
  for (const k of ['lengthRatio', 'stepRatio']) assert.ok(e.vocabularyPaths[k].median >= 1 && e.vocabularyPaths[k].p95 >= e.vocabularyPaths[k].median, k);
  assert.ok(e.vocabularyPaths.midpointDb.median >= 0 && e.vocabularyPaths.excursionDb.max >= 0);
  assert.ok(e.wordAgreement.words > 200 && e.wordAgreement.median <= 1);
  assert.equal((await eqmorph('eval', '--pairs', 'many')).code, 2);
  for (const k of ['model', 'pca', 'termMean']) assert.equal(typeof e.reconstruction[k].responseMaeDb, 'number');
  for (const k of ['silhouette', 'daviesBouldin', 'centroidAccuracy']) assert.equal(typeof e.latent[k], 'number');
  for (const t of ['warm', 'bright']) assert.equal(typeof e.endpoints[t].responseMaeDb, 'number');
  assert.equal(typeof e.paths.maxStepRatio, 'number');
  assert.equal(typeof e.paths.monotonic, 'boolean');
  assert.ok(e.blends.model.nearestDb > 0 && e.blends.paramAverage.nearestDb > 0);
  if (existsSync(DEFAULT_SOCIALEQ)) {
    for (const k of ['usableEnglish', 'medianFitErrorDb', 'medianParametricFitDb']) assert.equal(typeof e.vocabulary[k], 'number', k);
    for (const k of ['medianDb', 'within1Db', 'worstDb']) assert.equal(typeof e.vocabulary.socialEndpoints[k], 'number', k);
    for (const t of ['warm', 'bright']) assert.equal(typeof e.vocabulary.agreement[t], 'number', t);
    assert.ok(e.vocabulary.mixedPaths.pairs > 0 && e.vocabulary.mixedPaths.maxStepRatio >= 1);
  }
});
