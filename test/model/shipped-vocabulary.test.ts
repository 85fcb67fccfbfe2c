import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_MODEL_DIR, DEFAULT_SOCIALEQ, SOCIALEQ_NON_DESCRIPTORS_FILE } from '../../src/data/paths.js';
import { loadSocialEq } from '../../src/data/socialeq.js';
import { readNonDescriptors } from '../../src/data/terms.js';
import { EqModel } from '../../src/model/eq-model.js';
import { preferredSource, vocabularyReport } from '../../src/model/socialeq-terms.js';
import { wordAgreement } from '../../src/morph/vocabulary-paths.js';
import { wordCurves } from '../../src/cli/eval.js';

const shipped = existsSync(DEFAULT_SOCIALEQ) && existsSync(DEFAULT_MODEL_DIR) ? false : `dataset absent at ${DEFAULT_SOCIALEQ}`;

test('the shipped model: at least 100 usable English words, median decoded-centroid error at most 1 dB, recomputed from the curves (needs ../shared/datasets)', { skip: shipped }, async () => {
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const { scale, policy } = model.files.meta.vocabulary as { scale: number; policy: { minContributors: number; maxFitErrorDb: number; minCurveR: number } };
  const report = vocabularyReport(model, loadSocialEq(DEFAULT_SOCIALEQ), scale, 6);
  assert.ok(report.usableEnglish >= 100, `${report.usableEnglish} usable English words`);
  assert.ok(report.medianFitErrorDb <= 1, `median ${report.medianFitErrorDb} dB`);
  assert.ok(report.medianParametricFitDb <= report.socialEndpoints.medianDb, 'a decoded centroid cannot beat the best 5-band fit on the median');
  // A word is hidden for a reason the policy names: not a descriptor, too few contributors, a decoded centroid too far from its curve or against it.
  const nonDescriptors = readNonDescriptors(SOCIALEQ_NON_DESCRIPTORS_FILE);
  for (const [w, t] of model.files.terms) {
    if (t.source !== 'socialeq') continue;
    assert.equal(t.hidden, nonDescriptors.has(w) || t.count < policy.minContributors || t.fitErrorDb! > policy.maxFitErrorDb || t.curveR! < policy.minCurveR, w);
  }
});

test('the shipped model: every default word agrees with its calibrated curve (r >= 0.5, median >= 0.93), with at least 200 English words (needs ../shared/datasets)', { skip: shipped }, async () => {
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const { scale } = model.files.meta.vocabulary as { scale: number };
  const agreement = wordAgreement(model, wordCurves(loadSocialEq(DEFAULT_SOCIALEQ), scale));
  assert.equal(agreement.below0p5, 0, JSON.stringify(agreement.worst));
  assert.ok(agreement.median >= 0.93, `median r ${agreement.median}`);
  assert.ok(model.terms.filter((t) => model.term(t)!.language === 'English').length >= 200);
});

test('a word both datasets have belongs to the one with more people behind it: clear is SocialEQ’s, warm and bright SAFE-DB’s', { skip: shipped }, async () => {
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  assert.equal(model.term('clear')!.source, 'socialeq');
  assert.equal(model.term('warm')!.source, 'safe');
  assert.equal(model.term('bright')!.source, 'safe');
  assert.equal(preferredSource(8, 20), 'socialeq');
  assert.equal(preferredSource(363, 122), 'safe');
  assert.equal(preferredSource(20, 20), 'safe', 'a tie keeps the real EQ settings');
});
