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
