import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseFromParams } from '../../src/eq/response.js';
import { SOCIALEQ_FREQS, type SocialEqDataset } from '../../src/data/socialeq.js';
import type { TermExample } from '../../src/data/terms.js';
import { groupedAnchors } from '../../src/model/anchors.js';
import { curveErrorDb, fitSocialEqWords, trainableWords } from '../../src/model/socialeq-terms.js';

const warmParams = [4, 150, 2, 300, 1, -1, 1200, 1.5, -2, 4000, 2, -4, 9000];
/** RBJ boosts and cuts of equal size are exact inverses, so negating every gain negates the response in dB. */
const mirrored = warmParams.map((v, i) => ([0, 2, 5, 8, 11].includes(i) ? -v : v));
const safeTrain: TermExample[] = [{ term: 'warm', params: warmParams, line: 2 }];

function dataset(words: { word: string; curve: readonly number[]; lang?: string; num?: number }[]): SocialEqDataset {
  return { path: '<memory>', rejected: [], words: words.map((w) => ({ word: w.word, language: w.lang ?? 'English', curve: w.curve, contributors: w.num ?? 3, agreement: 0.8 })) };
}

test('calibration against a shared word turns relative curves into dB: a known EQ drawn in other units is fitted within 0.5 dB', () => {
  const raw = (params: readonly number[], gain: number, offset: number) => [...responseFromParams(params, SOCIALEQ_FREQS)].map((v) => gain * v + offset);
  // SocialEQ's curves carry neither units nor level: "warm" in one scale, "dark" (the mirror image, same span) in another.
  const fitted = fitSocialEqWords(dataset([{ word: 'Warm', curve: raw(warmParams, 0.1, 5) }, { word: 'dark', curve: raw(mirrored, 3, -1) }]), safeTrain);
  assert.deepEqual(fitted.calibrationWords, ['warm']);
  const span = Math.max(...responseFromParams(warmParams, SOCIALEQ_FREQS)) - Math.min(...responseFromParams(warmParams, SOCIALEQ_FREQS));
  assert.ok(Math.abs(fitted.scale - span / 2) < 1e-6 * span, `scale ${fitted.scale} vs ${span / 2}`);
  const dark = fitted.words.find((w) => w.term === 'dark')!;
  assert.ok(dark.fitDb < 0.5, `fit ${dark.fitDb} dB`);
  assert.ok(curveErrorDb(mirrored, dark.targetDb) < 1e-6, 'the target is the mirrored EQ response, level removed');
  assert.ok(curveErrorDb(dark.params, dark.targetDb) < 0.5);
});

test('a SAFE term is neither refitted nor listed, and the first spelling of a word wins', () => {
  const flatish = [...responseFromParams(mirrored, SOCIALEQ_FREQS)];
  const fitted = fitSocialEqWords(
    dataset([
      { word: 'warm', curve: [...responseFromParams(warmParams, SOCIALEQ_FREQS)] },
      { word: 'Dark', curve: flatish, num: 5 },
      { word: 'dark ', curve: flatish.map((v) => -v), num: 9 },
    ]),
    safeTrain,
  );
  assert.deepEqual(fitted.words.map((w) => w.term), ['dark']);
  assert.equal(fitted.words[0]!.contributors, 5);
});

test('words thinner than the policy allows and non-descriptors are fitted but not trained on', () => {
  const curve = [...responseFromParams(mirrored, SOCIALEQ_FREQS)];
  const words = [{ word: 'warm', curve }, { word: 'dark', curve, num: 1 }, { word: 'deep', curve, num: 2 }, { word: 'Taco', curve, num: 9 }];
  const fitted = fitSocialEqWords(dataset(words), safeTrain, { nonDescriptors: new Set(['taco']) });
  assert.deepEqual(fitted.words.map((w) => [w.term, w.descriptor]), [['dark', true], ['deep', true], ['taco', false]]);
  assert.deepEqual(trainableWords(fitted, { minContributors: 2, maxFitErrorDb: 1.5 }).map((w) => w.term), ['deep']);
});

test('the anchor groups weigh the SAFE terms as one group of weight 1 whatever the number of words', () => {
  const safe = [warmParams, mirrored];
  const groups = groupedAnchors(safe, Array.from({ length: 300 }, () => warmParams), 0.5, 32);
  assert.deepEqual(groups.map((g) => [g.targets.length, g.weight, g.perStep]), [[2, 1, undefined], [300, 0.5, 32]]);
  assert.deepEqual(groupedAnchors(safe, [], 0.5, 32).map((g) => g.targets.length), [2], 'no SocialEQ words: the SAFE group alone');
});

