import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { closestTerms, editDistance, lookupTerm } from '../../src/model/vocabulary.js';

const known = ['warm', 'bright', 'clear', 'muddy', 'thin', 'boomy', 'close'];

test('case, spacing and comparatives resolve to the known term', () => {
  assert.deepEqual(lookupTerm('  WARM ', known), { ok: true, term: 'warm' });
  assert.deepEqual(lookupTerm('Brighter', known), { ok: true, term: 'bright' });
  assert.deepEqual(lookupTerm('warmest', known), { ok: true, term: 'warm' });
  assert.deepEqual(lookupTerm('muddier', known), { ok: true, term: 'muddy' });
  assert.deepEqual(lookupTerm('thinner', known), { ok: true, term: 'thin' });
  assert.deepEqual(lookupTerm('closer', known), { ok: true, term: 'close' });
});

test('an unknown term is answered with the nearest known terms', () => {
  const r = lookupTerm('brite', known);
  assert.equal(r.ok, false);
  assert.equal(r.ok ? '' : r.suggestions[0], 'bright');
  assert.deepEqual(closestTerms('warn', known, 1), ['warm']);
});

test('edit distance is a metric: zero on itself, symmetric, and bounded by the longer length', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      assert.equal(editDistance(a, a), 0);
      assert.equal(editDistance(a, b), editDistance(b, a));
      assert.ok(editDistance(a, b) <= Math.max(a.length, b.length));
    }),
  );
});
