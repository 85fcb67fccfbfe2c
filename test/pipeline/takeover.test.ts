import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyAbsoluteGlue, applyCurve, FRESH_TAKEOVER, rearm, type AbsoluteGlue, type TakeoverState } from '../../src/pipeline/takeover.js';
import { fader, positionArb } from '../support/arbitraries.js';

const glue = (takeover: AbsoluteGlue['takeover'], range: [number, number] = [0, 1]): AbsoluteGlue => ({ takeover, curve: { kind: 'linear' }, reverse: false, range });
const positions = fc.array(positionArb, { minLength: 1, maxLength: 50 });

/** Feeds a control sequence through the glue, returning the target's value after each event. */
function play(g: AbsoluteGlue, start: number, xs: number[]): number[] {
  let state: TakeoverState = FRESH_TAKEOVER;
  let target = start;
  return xs.map((x) => {
    const r = applyAbsoluteGlue(g, state, x, target);
    state = r.state;
    if (r.value !== null) target = r.value;
    return target;
  });
}

test('every takeover mode keeps the target inside its range for any control sequence', () => {
  fc.assert(
    fc.property(fc.constantFrom('jump', 'pickup', 'scale') as fc.Arbitrary<AbsoluteGlue['takeover']>, fader({ min: 0.2, max: 0.8 }), positions, (mode, start, xs) => {
      for (const v of play(glue(mode, [0.2, 0.8]), start, xs)) assert.ok(v >= 0.2 - 1e-12 && v <= 0.8 + 1e-12);
    }),
  );
});

test('jump sets the target to the curved control position at once', () => {
  fc.assert(fc.property(positionArb, (x) => assert.equal(play(glue('jump'), 0.5, [x])[0], x)));
});

/** Half a 7-bit step: a control this close to the value has reached it. */
const NEAR = 1 / 254;

/**
 * The control's travel so far has touched `value`: some position was within NEAR of it, or the straight path between
 * two consecutive positions passes over it. Stated on the travel, not on the implementation's sign test.
 */
function travelTouched(xs: readonly number[], value: number): boolean {
  return xs.some((x, i) => {
    const from = i === 0 ? x : xs[i - 1]!;
    return Math.min(from, x) - NEAR <= value && value <= Math.max(from, x) + NEAR;
  });
}

test('pickup: before the control reaches or crosses the value it follows, the value does not move; from then on it follows', () => {
  fc.assert(
    fc.property(positionArb, positions, (start, xs) => {
      const out = play(glue('pickup'), start, xs);
      xs.forEach((x, i) => assert.equal(out[i], travelTouched(xs.slice(0, i + 1), start) ? x : start, `event ${i}`));
    }),
  );
});

/**
 * Sweeps that stay on one side of the value (never within NEAR), then jump over it between two messages and go on on
 * the other side: what a fast hand on a 7-bit fader sends.
 */
const sweeps = fc
  .record({
    value: fader({ min: 0.1, max: 0.9 }),
    below: fc.boolean(),
    before: fc.array(fader({ min: 0, max: 1 }), { minLength: 1, maxLength: 10 }),
    after: fc.array(fader({ min: 0, max: 1 }), { minLength: 1, maxLength: 10 }),
  })
  .map(({ value, below, before, after }) => {
    // one side: [0, value - 2 NEAR]; the other: [value + 2 NEAR, 1]
    const lowSide = (u: number) => u * (value - 2 * NEAR);
    const highSide = (u: number) => value + 2 * NEAR + u * (1 - value - 2 * NEAR);
    const [first, second] = below ? [lowSide, highSide] : [highSide, lowSide];
    return { value, before: before.map(first), after: after.map(second) };
  });

test('pickup catches every sweep that jumps over the value between two messages, at the message after the jump', () => {
  fc.assert(
    fc.property(sweeps, ({ value, before, after }) => {
      const out = play(glue('pickup'), value, [...before, ...after]);
      before.forEach((_, i) => assert.equal(out[i], value, `moved before the crossing, at event ${i}`));
      after.forEach((x, i) => assert.equal(out[before.length + i], x, `not following after the crossing, at event ${before.length + i}`));
    }),
  );
});

test('pickup catches a fast sweep that jumps over the value without ever landing near it', () => {
  assert.deepEqual(play(glue('pickup'), 0.5, [0.1, 0.9, 0.8]), [0.5, 0.9, 0.8]);
  assert.deepEqual(play(glue('pickup'), 0.5, [0.95, 0.05]), [0.5, 0.05]);
});

test('after another source moves the target, pickup must catch it again', () => {
  let r = applyAbsoluteGlue(glue('pickup'), FRESH_TAKEOVER, 0.5, 0.5);
  assert.equal(r.value, 0.5);
  r = applyAbsoluteGlue(glue('pickup'), rearm(r.state), 0.55, 0.9);
  assert.equal(r.value, null);
});

test('scale moves in the control direction and reaches the end with the control', () => {
  fc.assert(
    fc.property(positionArb, fader({ min: 0.01, max: 0.99 }), (start, first) => {
      const up = play(glue('scale'), start, [first, (first + 1) / 2, 1]);
      assert.ok(up[1]! >= start - 1e-12 && Math.abs(up[2]! - 1) < 1e-9);
      const down = play(glue('scale'), start, [first, first / 2, 0]);
      assert.ok(down[1]! <= start + 1e-12 && Math.abs(down[2]!) < 1e-9);
    }),
  );
});

test('curves are monotonic and keep their ends', () => {
  const curves = [{ kind: 'linear' }, { kind: 'log' }, { kind: 'exp' }, { kind: 's-curve' }, { kind: 'power', exponent: 3 }] as const;
  for (const c of curves) {
    assert.equal(applyCurve(0, c), 0);
    assert.equal(applyCurve(1, c), 1);
    fc.assert(fc.property(positionArb, positionArb, (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      assert.ok(applyCurve(lo, c) <= applyCurve(hi, c) + 1e-15);
    }));
  }
});

test('jump maps the curved position onto the range, reversed when asked: lo + c * (hi - lo), or from hi down', () => {
  fc.assert(
    fc.property(positionArb, fader({ min: -10, max: 10 }), fader({ min: -10, max: 10 }), fc.boolean(), (x, lo, hi, reverse) => {
      const r = applyAbsoluteGlue({ takeover: 'jump', curve: { kind: 'exp' }, reverse, range: [lo, hi] }, FRESH_TAKEOVER, x, lo);
      const c = reverse ? 1 - x * x : x * x;
      const span = hi - lo || 1;
      assert.ok(Math.abs(r.value! - (lo + c * span)) <= 1e-9, `${r.value} vs ${lo + c * span}`);
      assert.deepEqual(r.state, { last: c, caught: true });
    }),
  );
});

test('positions outside 0..1 count as the nearer end, for every curve', () => {
  for (const curve of [{ kind: 'linear' }, { kind: 'log' }, { kind: 'exp' }, { kind: 's-curve' }, { kind: 'power', exponent: 2.5 }] as const) {
    assert.equal(applyCurve(-0.5, curve), 0);
    assert.equal(applyCurve(1.5, curve), 1);
  }
});

test('each curve has its documented shape at the middle: linear 0.5, exp 0.25, log sqrt(0.5), s-curve 0.5, power 0.5^k', () => {
  assert.equal(applyCurve(0.5, { kind: 'linear' }), 0.5);
  assert.equal(applyCurve(0.5, { kind: 'exp' }), 0.25);
  assert.equal(applyCurve(0.5, { kind: 'log' }), Math.SQRT1_2);
  assert.equal(applyCurve(0.25, { kind: 's-curve' }), 0.15625);
  assert.equal(applyCurve(0.5, { kind: 'power', exponent: 3 }), 0.125);
});

test('pickup of a reversed control catches where the reversed position meets the value', () => {
  const g: AbsoluteGlue = { takeover: 'pickup', curve: { kind: 'linear' }, reverse: true, range: [0, 1] };
  // reversed positions 0.8, 0.5 (above 0.3), 0.29 (passed over it), 0.4
  const out = play(g, 0.3, [0.2, 0.5, 0.71, 0.6]);
  [0.3, 0.3, 0.29, 0.4].forEach((want, i) => assert.ok(Math.abs(out[i]! - want) < 1e-12, `event ${i}: ${out[i]} vs ${want}`));
});

test('scale: the first message only sets the reference; an unmoved control changes nothing', () => {
  let r = applyAbsoluteGlue(glue('scale'), FRESH_TAKEOVER, 0.4, 0.7);
  assert.deepEqual(r, { value: null, state: { last: 0.4, caught: false } });
  r = applyAbsoluteGlue(glue('scale'), r.state, 0.4, 0.7);
  assert.equal(r.value, null);
  r = applyAbsoluteGlue(glue('scale'), r.state, 0.7, 0.7); // half of the control's remaining travel up: half of the target's
  assert.ok(Math.abs(r.value! - 0.85) < 1e-12, String(r.value));
  assert.deepEqual(r.state, { last: 0.7, caught: false }, 'scale never catches: it only follows the reference');
  r = applyAbsoluteGlue(glue('scale'), r.state, 0.35, 0.85); // half the way down: half of the target's way down
  assert.ok(Math.abs(r.value! - 0.425) < 1e-12, String(r.value));
});

test('rearm keeps the control position and drops only the catch', () => {
  assert.deepEqual(rearm({ last: 0.4, caught: true }), { last: 0.4, caught: false });
});

test('pickup, from any earlier control position not yet caught: the target follows exactly when the control is within NEAR of the value or passed over it since', () => {
  fc.assert(
    fc.property(positionArb, positionArb, positionArb, (last, x, value) => {
      const r = applyAbsoluteGlue(glue('pickup'), { last, caught: false }, x, value);
      const reached = Math.abs(x - value) <= NEAR;
      const passed = Math.min(last, x) <= value && value <= Math.max(last, x);
      assert.equal(r.value, reached || passed ? x : null);
    }),
  );
  // a control that sets off from exactly the value (its position when another source moved the target there) has touched it
  assert.equal(applyAbsoluteGlue(glue('pickup'), { last: 0.3, caught: false }, 0.9, 0.3).value, 0.9);
});

test('pickup: a control exactly half a 7-bit step from the value has reached it, and one a little further has not', () => {
  assert.equal(applyAbsoluteGlue(glue('pickup'), FRESH_TAKEOVER, NEAR, 0).value, NEAR);
  assert.equal(applyAbsoluteGlue(glue('pickup'), FRESH_TAKEOVER, 1.01 * NEAR, 0).value, null);
});

test('pickup and scale read the target value in the glue range: a target in the middle of 10..20 is at half travel', () => {
  const r = applyAbsoluteGlue(glue('pickup', [10, 20]), FRESH_TAKEOVER, 0.5, 15);
  assert.equal(r.value, 15);
  assert.equal(applyAbsoluteGlue(glue('pickup', [10, 20]), FRESH_TAKEOVER, 0.2, 15).value, null);
  // scale: from the middle, the control's half-way up to the end moves the target half its remaining way, 15 -> 17.5
  const s = applyAbsoluteGlue(glue('scale', [10, 20]), { last: 0.5, caught: false }, 0.75, 15);
  assert.ok(Math.abs(s.value! - 17.5) < 1e-9, String(s.value));
});
