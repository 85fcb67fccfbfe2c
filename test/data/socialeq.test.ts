import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_SOCIALEQ } from '../../src/data/paths.js';
import { calibratedCurveDb, calibrationScale, loadSocialEq, parseSocialEq, SOCIALEQ_FREQS, unitShape } from '../../src/data/socialeq.js';

const curve = (f: (i: number) => number) => SOCIALEQ_FREQS.map((_, i) => f(i));

test('a unit shape spans exactly -1..1 and keeps the order of the values', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 40, maxLength: 40 }), (xs) => {
      fc.pre(Math.max(...xs) > Math.min(...xs));
      const s = unitShape(xs);
      assert.ok(Math.abs(Math.min(...s) + 1) < 1e-12 && Math.abs(Math.max(...s) - 1) < 1e-12);
      xs.forEach((x, i) => xs.forEach((y, j) => x < y && assert.ok(s[i]! <= s[j]!)));
    }),
  );
});

test('calibration recovers the scale that maps shapes onto responses, ignoring level offsets', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.5, max: 20, noNaN: true }), fc.double({ min: -6, max: 6, noNaN: true }), (scale, offset) => {
      const shapes = [curve((i) => Math.sin(i / 5)), curve((i) => Math.cos(i / 7))].map(unitShape);
      const pairs = shapes.map((shape) => ({ shape, responseDb: shape.map((v) => v * scale + offset) }));
      assert.ok(Math.abs(calibrationScale(pairs) - scale) < 1e-9 * scale);
    }),
  );
});

test('a calibrated curve has zero mean and a span of twice the scale', () => {
  const db = calibratedCurveDb(curve((i) => i * i), 4);
  assert.ok(Math.abs(db.reduce((a, b) => a + b, 0)) < 1e-9);
  assert.ok(Math.abs(Math.max(...db) - Math.min(...db) - 8) < 1e-9);
});

test('entries without 40 finite numbers are rejected with their index, not mis-read', () => {
  const good = { lang: 'English', word: 'warm', settings: curve(() => 0.5), agreement: 0.8, num: 3 };
  const d = parseSocialEq(JSON.stringify([good, { ...good, settings: [1, 2] }, { ...good, word: '' }]));
  assert.equal(d.words.length, 1);
  assert.deepEqual(d.rejected.map((r) => r.index), [1, 2]);
});

test('the real SocialEQ file loads 394 words (needs ../shared/datasets)', { skip: existsSync(DEFAULT_SOCIALEQ) ? false : `dataset absent at ${DEFAULT_SOCIALEQ}` }, () => {
  const d = loadSocialEq(DEFAULT_SOCIALEQ);
  assert.equal(d.words.length, 394);
  assert.equal(d.words.filter((w) => w.language === 'English').length, 294);
});
