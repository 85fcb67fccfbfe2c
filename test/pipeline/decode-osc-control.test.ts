import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { toUnit } from '../../src/codecs/control-value.js';
import { decodeOscControl, oscAddressTable } from '../../src/pipeline/decode-osc-control.js';
import type { OscControl } from '../../src/profiles/types.js';

const fader = (outOfRange: 'clamp' | 'ignore', min = -10, max = 10): OscControl => ({
  id: 'fader',
  transport: 'osc',
  osc: { address: '/fader', type: 'f', min, max },
  outOfRange,
  value: 'continuous',
  feedback: false,
});
const table = (c: OscControl) => oscAddressTable(new Map([[c.id, c]]));

test('clamp (the default): a number outside min..max moves the control to its nearer end and is marked clamped', () => {
  const r = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: [25] });
  assert.ok(r.ok && r.clamped && toUnit(r.event.value) === 1);
  const low = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: [-11] });
  assert.ok(low.ok && low.clamped && toUnit(low.event.value) === 0);
});

test('ignore: a number outside min..max is refused as out-of-range; one inside passes unclamped', () => {
  const r = decodeOscControl('in', table(fader('ignore')), { address: '/fader', args: [10.5] });
  assert.ok(!r.ok && r.reason === 'out-of-range', JSON.stringify(r));
  const inside = decodeOscControl('in', table(fader('ignore')), { address: '/fader', args: [10] });
  assert.ok(inside.ok && !inside.clamped && toUnit(inside.event.value) === 1);
});

test('for all finite numbers: clamp yields a unit value in 0..1, flagged exactly when outside; ignore refuses exactly those', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
      const outside = n < -10 || n > 10;
      const c = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: [n] });
      assert.ok(c.ok);
      const u = toUnit(c.event.value)!;
      assert.ok(u >= 0 && u <= 1);
      assert.equal(c.clamped, outside);
      const i = decodeOscControl('in', table(fader('ignore')), { address: '/fader', args: [n] });
      assert.equal(i.ok, !outside);
    }),
  );
});

test('for all argument lists: NaN, infinities, strings, blobs and missing arguments are bad arguments, never events', () => {
  const bad = fc.oneof(fc.constant(Number.NaN), fc.constant(Infinity), fc.constant(-Infinity), fc.string(), fc.uint8Array(), fc.constant(null));
  fc.assert(
    fc.property(fc.option(bad, { nil: undefined }), (a) => {
      const r = decodeOscControl('in', table(fader('clamp')), { address: '/fader', args: a === undefined ? [] : [a] });
      assert.ok(!r.ok && r.reason === 'bad-argument');
    }),
  );
});

const pad = (outOfRange: 'clamp' | 'ignore'): OscControl => ({
  id: 'xy',
  transport: 'osc',
  osc: { address: '/xy', type: 'ff', min: 0, max: 1 },
  outOfRange,
  value: 'point',
  feedback: false,
});

test('an XY pad message (two floats) decodes to one point event with both coordinates', () => {
  const r = decodeOscControl('in', table(pad('clamp')), { address: '/xy', args: [0.25, 0.75] });
  assert.ok(r.ok && !r.clamped);
  assert.deepEqual(r.event.value, { kind: 'point', x: 0.25, y: 0.75 });
  assert.deepEqual(r.event.raw, [0.25, 0.75]);
});

test('an XY pad coordinate outside min..max is clamped and marked so (counted by the bridge)', () => {
  const r = decodeOscControl('in', table(pad('clamp')), { address: '/xy', args: [1.5, -0.2] });
  assert.ok(r.ok && r.clamped);
  assert.deepEqual(r.event.value, { kind: 'point', x: 1, y: 0 });
  const ignored = decodeOscControl('in', table(pad('ignore')), { address: '/xy', args: [1.5, 0.5] });
  assert.ok(!ignored.ok && ignored.reason === 'out-of-range');
});

test('an XY pad message with NaN, a missing or a non-number coordinate is refused as a bad argument (dropped, counted)', () => {
  for (const args of [[NaN, 0.5], [0.5, NaN], [0.5], [], ['a', 0.5], [Infinity, 0]]) {
    const r = decodeOscControl('in', table(pad('clamp')), { address: '/xy', args });
    assert.ok(!r.ok && r.reason === 'bad-argument', JSON.stringify(args));
  }
});
