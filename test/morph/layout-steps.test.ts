import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { BandSpec, ParamSteps } from '../../src/eq/bands.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseDb } from '../../src/eq/response.js';
import { layoutBands } from '../../src/morph/layout-path.js';
import { nearestStep, snapToSteps, stepValue } from '../../src/morph/layout-steps.js';

// The X32 channel's scales (Maillot, "Unofficial X32/M32 OSC Remote Protocol": f logf [20, 20000, 201], g linf [-15, 15, 0.25], q logf [10, 0.3, 72]).
const GAIN: ParamSteps = { kind: 'linear', min: -15, max: 15, count: 121 };
const FREQ: ParamSteps = { kind: 'log', min: 20, max: 20000, count: 201 };
const Q: ParamSteps = { kind: 'log', min: 0.3, max: 10, count: 72 };
const steps = { gain: GAIN, freq: FREQ, q: Q };
const SPECS: BandSpec[] = [
  { type: 'lowshelf', freq: { min: 22, max: 1000 }, fixedQ: 0.7, gain: { min: -15, max: 15 }, steps },
  { type: 'peaking', freq: { min: 82, max: 10000 }, fixedQ: null, gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 }, steps },
  { type: 'peaking', freq: { min: 82, max: 10000 }, fixedQ: null, gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 }, steps },
  { type: 'highshelf', freq: { min: 580, max: 20000 }, fixedQ: 0.7, gain: { min: -15, max: 15 }, steps },
];
const SCALES = [GAIN, FREQ, GAIN, FREQ, Q, GAIN, FREQ, Q, GAIN, FREQ];
const respond = (p: readonly number[]) => responseDb(layoutBands(SPECS, p), DEFAULT_GRID);
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const onScale = (s: ParamSteps, v: number) => {
  const u = s.kind === 'linear' ? (v - s.min) / (s.max - s.min) : Math.log(v / s.min) / Math.log(s.max / s.min);
  return Math.abs(u * (s.count - 1) - Math.round(u * (s.count - 1))) < 1e-9;
};
// Layout parameters drawn inside each band's ranges (frequencies and Qs log-uniformly).
const unit = fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000);
const params = fc.tuple(...SCALES.map(() => unit)).map((us) =>
  us.map((u, j) => {
    const s = SCALES[j]!;
    const [lo, hi] = s === GAIN ? [-12, 12] : s === FREQ ? [100, 8000] : [0.4, 8];
    return s === GAIN ? lo + u * (hi - lo) : lo * (hi / lo) ** u;
  }),
);

test('a step value is on its scale, and the nearest step of a step is itself', () => {
  fc.assert(
    fc.property(fc.constantFrom(GAIN, FREQ, Q), fc.integer({ min: 0, max: 200 }), (s, i) => {
      const v = stepValue(s, Math.min(i, s.count - 1));
      assert.ok(onScale(s, v));
      assert.ok(Math.abs(nearestStep(s, v) - v) <= 1e-9 * Math.abs(v));
    }),
  );
  // X32 table points (Maillot's appendix): f 0.5 -> 632.5 Hz.
  assert.ok(Math.abs(stepValue(FREQ, 100) - 632.46) < 0.01);
});

test('snapped parameters are all on the desk’s steps, each within one step of its own nearest, and never further from the target than rounding one by one', () => {
  fc.assert(
    fc.property(params, params, (p, other) => {
      // The target: another EQ's response, half mixed in, so the fit is imperfect as a real one is.
      const target = respond(p).map((v, i) => 0.5 * v + 0.5 * respond(other)[i]!);
      const snapped = snapToSteps(SPECS, p, target, respond);
      snapped.forEach((v, j) => assert.ok(onScale(SCALES[j]!, v), `parameter ${j}: ${v}`));
      const rounded = p.map((v, j) => nearestStep(SCALES[j]!, v));
      snapped.forEach((v, j) => {
        const s = SCALES[j]!;
        const ratio = s.kind === 'linear' ? Math.abs(v - rounded[j]!) / ((s.max - s.min) / (s.count - 1)) : Math.abs(Math.log(v / rounded[j]!) / Math.log((s.max / s.min) ** (1 / (s.count - 1))));
        assert.ok(ratio <= 1 + 1e-9, `parameter ${j} moved ${ratio} steps from its nearest`);
      });
      assert.ok(maxAbs(respond(snapped), target) <= maxAbs(respond(rounded), target) + 1e-9);
    }),
    { numRuns: 30 },
  );
});

test('a layout without steps is returned as it is', () => {
  const bare = SPECS.map(({ steps: _, ...s }) => s);
  const p = [1, 200, -2, 1000, 2, 3, 3000, 1, -1, 8000];
  assert.deepEqual(snapToSteps(bare, p, respond(p), (q) => responseDb(layoutBands(bare, q), DEFAULT_GRID)), p);
});

test('where rounding one by one leans every band the same way, snapping chooses other neighbouring steps and lands nearer the target', () => {
  // Every gain 0.12 dB above a step, every band near 632 Hz: rounding takes 0.12 dB off each, and they add up there.
  const p = [3.12, 632.46, 2.12, 632.46, 1, 4.12, 632.46, 1, 1.12, 632.46];
  const target = respond(p);
  const rounded = p.map((v, j) => nearestStep(SCALES[j]!, v));
  const snapped = snapToSteps(SPECS, p, target, respond);
  assert.ok(maxAbs(respond(snapped), target) < maxAbs(respond(rounded), target) - 0.1, `${maxAbs(respond(snapped), target)} dB against ${maxAbs(respond(rounded), target)} dB`);
});

test('in a layout with some bands on steps, the others keep their values exactly', () => {
  const mixed = SPECS.map((s, k) => (k === 1 ? (({ steps: _, ...rest }) => rest)(s) : s));
  const p = [3.12, 632.46, 2.12, 632.46, 1, 4.12, 632.46, 1, 1.12, 632.46];
  const respondMixed = (q: readonly number[]) => responseDb(layoutBands(mixed, q), DEFAULT_GRID);
  const snapped = snapToSteps(mixed, p, respondMixed(p), respondMixed);
  assert.deepEqual(snapped.slice(2, 5), p.slice(2, 5));
  [0, 1, 5, 6, 7, 8, 9].forEach((j) => assert.ok(onScale(SCALES[j]!, snapped[j]!), `parameter ${j}: ${snapped[j]}`));
});

test('snapping goes on while a pass helps: where rounding leans, no single step of a parameter beside its nearest lowers the error further within rounding\'s largest difference', () => {
  const p = [3.12, 632.46, 2.12, 632.46, 1, 4.12, 632.46, 1, 1.12, 632.46];
  const target = respond(p);
  const snapped = snapToSteps(SPECS, p, target, respond);
  // the error snapping minimises: the largest difference plus the RMS difference, never past rounding's largest difference
  const cap = maxAbs(respond(p.map((v, j) => nearestStep(SCALES[j]!, v))), target);
  const error = (q: readonly number[]) => {
    const r = respond(q);
    const d = Array.from(r, (v, i) => Math.abs(v - target[i]!));
    return Math.max(...d) > cap + 1e-9 ? Infinity : Math.max(...d) + Math.sqrt(d.reduce((s, x) => s + x * x, 0) / d.length);
  };
  const best = error(snapped);
  p.forEach((v, j) => {
    const s = SCALES[j]!;
    const at = Math.round(s.kind === 'linear' ? ((v - s.min) / (s.max - s.min)) * (s.count - 1) : (Math.log(v / s.min) / Math.log(s.max / s.min)) * (s.count - 1));
    for (const i of [at - 1, at, at + 1]) {
      const moved = snapped.slice();
      moved[j] = stepValue(s, i);
      assert.ok(error(moved) >= best - 1e-9, `parameter ${j} at step ${i}: ${error(moved)} dB against ${best} dB`);
    }
  });
});
