import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { applyAbsoluteGlue, applyCurve, FRESH_TAKEOVER, rearm, type AbsoluteGlue, type TakeoverState } from '../../src/pipeline/takeover.js';

const glue = (takeover: AbsoluteGlue['takeover'], range: [number, number] = [0, 1]): AbsoluteGlue => ({ takeover, curve: { kind: 'linear' }, reverse: false, range });
const positions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 });

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
    fc.property(fc.constantFrom('jump', 'pickup', 'scale') as fc.Arbitrary<AbsoluteGlue['takeover']>, fc.double({ min: 0.2, max: 0.8, noNaN: true }), positions, (mode, start, xs) => {
      for (const v of play(glue(mode, [0.2, 0.8]), start, xs)) assert.ok(v >= 0.2 - 1e-12 && v <= 0.8 + 1e-12);
    }),
  );
});

test('jump sets the target to the curved control position at once', () => {
  fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (x) => assert.equal(play(glue('jump'), 0.5, [x])[0], x)));
});

test('pickup never moves the target before the control reaches or crosses it, and follows after', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), positions, (start, xs) => {
      const out = play(glue('pickup'), start, xs);
      let caught = false;
      let prev: number | null = null;
      xs.forEach((x, i) => {
        if (!caught) caught = Math.abs(x - start) <= 1 / 254 || (prev !== null && (prev - start) * (x - start) <= 0);
        prev = x;
        assert.equal(out[i], caught ? x : start);
      });
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
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), (start, first) => {
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
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
      if (a <= b) assert.ok(applyCurve(a, c) <= applyCurve(b, c) + 1e-15);
    }));
  }
});
