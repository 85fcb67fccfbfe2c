import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { printable } from '../../src/codecs/printable.js';

test('terminal escapes, new lines and bidi overrides are shown as escapes; plain text is unchanged', () => {
  assert.equal(printable('warm\u001b[31m red'), 'warm\\x1b[31m red');
  assert.equal(printable('a\nFAKE eqmorph: stopped'), 'a\\x0aFAKE eqmorph: stopped');
  assert.equal(printable('x\u202ey'), 'x\\u202ey');
  assert.equal(printable('frío, high-pitched'), 'frío, high-pitched');
});

test('for all strings: the result holds no control character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (s) => {
      assert.doesNotMatch(printable(s), /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    }),
    { numRuns: 100 },
  );
});
