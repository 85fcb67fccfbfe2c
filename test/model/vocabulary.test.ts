import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { closestTerms, editDistance, lookupTerm, soundKey } from '../../src/model/vocabulary.js';

const known = ['warm', 'bright', 'clear', 'muddy', 'thin', 'boomy', 'close', 'high-pitched', 'frío', 'hot'];

test('case, spacing and comparatives resolve to the known term', () => {
  assert.deepEqual(lookupTerm('  WARM ', known), { ok: true, term: 'warm' });
  assert.deepEqual(lookupTerm('Brighter', known), { ok: true, term: 'bright' });
  assert.deepEqual(lookupTerm('warmest', known), { ok: true, term: 'warm' });
  assert.deepEqual(lookupTerm('muddier', known), { ok: true, term: 'muddy' });
  assert.deepEqual(lookupTerm('thinner', known), { ok: true, term: 'thin' });
  assert.deepEqual(lookupTerm('closer', known), { ok: true, term: 'close' });
});

test('accents and the joins of compound words are forgiven', () => {
  assert.deepEqual(lookupTerm('frio', known), { ok: true, term: 'frío' });
  assert.deepEqual(lookupTerm('FRÍO', known), { ok: true, term: 'frío' });
  for (const typed of ['high pitched', 'highpitched', 'High_Pitched', 'high - pitched']) assert.deepEqual(lookupTerm(typed, known), { ok: true, term: 'high-pitched' }, typed);
});

test('grading words are set aside: "more warm", "a bit brighter", "very muddy", "hotter"', () => {
  assert.deepEqual(lookupTerm('more warm', known), { ok: true, term: 'warm' });
  assert.deepEqual(lookupTerm('a bit brighter', known), { ok: true, term: 'bright' });
  assert.deepEqual(lookupTerm('Very  Muddy', known), { ok: true, term: 'muddy' });
  assert.deepEqual(lookupTerm('a little less boomy', known), { ok: true, term: 'boomy' });
  assert.deepEqual(lookupTerm('hotter', known), { ok: true, term: 'hot' });
  assert.equal(lookupTerm('more', known).ok, false, 'a grading word alone names nothing');
});

test('a known term always finds itself, whatever else is known', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z -]{0,10}[a-z]$/), { minLength: 1, maxLength: 20 }), (terms) => {
      const known2 = terms.map((t) => t.replace(/\s+/g, ' '));
      for (const t of known2) assert.deepEqual(lookupTerm(t, known2), { ok: true, term: t });
    }),
  );
});

test('a word spelt as it sounds is suggested before words only a letter or two away', () => {
  const many = [...known, 'brittle', 'brave', 'drive', 'fuzzy', 'fizzy'];
  assert.equal(closestTerms('brite', many, 1)[0], 'bright');
  assert.equal(closestTerms('fuzy', many, 1)[0], 'fuzzy');
  assert.equal(soundKey('bright'), soundKey('brite'));
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
