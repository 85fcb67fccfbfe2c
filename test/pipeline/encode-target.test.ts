import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { scaleToWire } from '../../src/pipeline/encode-target.js';
import { fader } from '../support/arbitraries.js';

test('linear and log scaling map their range onto 0..1 monotonically and clamp outside it', () => {
  for (const s of [{ kind: 'linear', min: -15, max: 15 }, { kind: 'log', min: 20, max: 20000 }] as const) {
    fc.assert(
      fc.property(fader(s), fader(s), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [x, y] = [scaleToWire(s, lo), scaleToWire(s, hi)];
        assert.ok(x >= 0 && x <= 1 && y >= 0 && y <= 1);
        assert.ok(x <= y + 1e-12);
      }),
    );
    assert.equal(scaleToWire(s, s.min - 100), 0);
    assert.equal(scaleToWire(s, s.max * 10), 1);
  }
});

test('documented X32 points: 632.5 Hz is 0.5 on the 201-step log frequency scale, 0 dB is 0.5 of -15..15 in 121 steps', () => {
  assert.ok(Math.abs(scaleToWire({ kind: 'log', min: 20, max: 20000, steps: 201 }, 632.5) - 0.5) < 1e-9);
  assert.equal(scaleToWire({ kind: 'linear', min: -15, max: 15, steps: 121 }, 0), 0.5);
  // Q runs 10 -> 0.3 inverted on a log scale in 72 steps: Q 2 sits at 33/71.
  const q = scaleToWire({ kind: 'log', min: 0.3, max: 10, steps: 72, invert: true }, 2);
  assert.ok(Math.abs(q - 33 / 71) < 1e-9, String(q));
});

test('quantised values are fixed points: scaling the value a step stands for gives that step back', () => {
  const s = { kind: 'log', min: 20, max: 20000, steps: 201 } as const;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), (k) => {
      const hzAtStep = 20 * 1000 ** (k / 200);
      assert.ok(Math.abs(scaleToWire(s, hzAtStep) - k / 200) < 1e-9);
    }),
  );
});

test('a table picks the nearest entry, on a log scale for positive tables', () => {
  const s = { kind: 'table', values: [0.5, 1, 2, 4] } as const;
  assert.equal(scaleToWire(s, 1.3), 1 / 3);
  assert.equal(scaleToWire(s, 1.5), 2 / 3);
  assert.equal(scaleToWire(s, 100), 1);
});
