import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_MODEL_DIR, DEFAULT_SOCIALEQ, SOCIALEQ_NON_DESCRIPTORS_FILE } from '../../src/data/paths.js';
import { loadSocialEq } from '../../src/data/socialeq.js';
import { readNonDescriptors } from '../../src/data/terms.js';
import { EqModel } from '../../src/model/eq-model.js';
import { vocabularyReport } from '../../src/model/socialeq-terms.js';

const shipped = existsSync(DEFAULT_SOCIALEQ) && existsSync(DEFAULT_MODEL_DIR) ? false : `dataset absent at ${DEFAULT_SOCIALEQ}`;

test('the shipped model: at least 100 usable English words, median decoded-centroid error at most 1 dB, recomputed from the curves (needs ../shared/datasets)', { skip: shipped }, async () => {
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const { scale, policy } = model.files.meta.vocabulary as { scale: number; policy: { minContributors: number; maxFitErrorDb: number } };
  const report = vocabularyReport(model, loadSocialEq(DEFAULT_SOCIALEQ), scale, 6);
  assert.ok(report.usableEnglish >= 100, `${report.usableEnglish} usable English words`);
  assert.ok(report.medianFitErrorDb <= 1, `median ${report.medianFitErrorDb} dB`);
  assert.ok(report.medianParametricFitDb <= report.socialEndpoints.medianDb, 'a decoded centroid cannot beat the best 5-band fit on the median');
  // A word is hidden for a reason the policy names: not a descriptor, too few contributors or a decoded centroid too far from its curve.
  const nonDescriptors = readNonDescriptors(SOCIALEQ_NON_DESCRIPTORS_FILE);
  for (const [w, t] of model.files.terms) {
    if (t.source !== 'socialeq') continue;
    assert.equal(t.hidden, nonDescriptors.has(w) || t.count < policy.minContributors || t.fitErrorDb! > policy.maxFitErrorDb, w);
  }
});
