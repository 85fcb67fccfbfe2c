import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PARAMS } from '../../src/eq/bands.js';
import { buildVocabulary, normaliseTerm, readNonDescriptors, sortPeakingBands } from '../../src/data/terms.js';
import type { SafeExample } from '../../src/data/safedb.js';

const paramsArb = fc.tuple(...PARAMS.map((p) => fc.double({ min: p.range.min, max: p.range.max, noNaN: true })));

test('terms are lower-cased, trimmed and have their spaces collapsed', () => {
  assert.equal(normaliseTerm('  Bass   Boost '), 'bass boost');
  assert.equal(normaliseTerm('WARM\t'), 'warm');
});

test('sorting peaking bands orders them by frequency and keeps each triple together', () => {
  fc.assert(
    fc.property(paramsArb, (p) => {
      const s = sortPeakingBands(p);
      assert.ok(s[3]! <= s[6]! && s[6]! <= s[9]!);
      const triples = (v: readonly number[]) => [2, 5, 8].map((o) => `${v[o]}|${v[o + 2]}`).sort();
      assert.deepEqual(triples(s), triples(p));
      assert.deepEqual([s[0], s[1], s[11], s[12]], [p[0], p[1], p[11], p[12]]);
    }),
  );
});

test('non-descriptors, thin terms and outliers are dropped, and counted', () => {
  const ex = (descriptor: string, gain: number, line: number): SafeExample => ({
    entry: line,
    line,
    descriptor,
    params: [gain, 100, 0, 300, 1, 0, 1000, 1, 0, 3000, 1, 0, 8000],
  });
  const raw = [
    ...Array.from({ length: 30 }, (_, i) => ex(i % 2 ? 'Warm' : 'warm ', 3 + (i % 3) * 0.1, i + 1)),
    ex('warm', -12, 31), // an outlier in the low-shelf gain
    ...Array.from({ length: 3 }, (_, i) => ex('thin', 1, 40 + i)),
    ex('test', 0, 50),
    ex('clair\u00e9', 0, 51),
  ];
  const v = buildVocabulary(raw, { minExamples: 8, outlierSigma: 3, nonDescriptors: readNonDescriptors() });
  assert.deepEqual([...v.counts], [['warm', 30]]);
  assert.deepEqual(v.dropped, { nonDescriptor: 1, nonEnglish: 1, thin: 3, outliers: 1 });
});
