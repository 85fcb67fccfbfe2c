import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Band } from '../../src/eq/bands.js';
import { encodeFixed, encodeTargetFrame, sameWire, type WireMessage } from '../../src/pipeline/encode-target.js';
import { loadTargetProfile } from '../../src/profiles/load.js';

// Documented points of the X32's own encodings (Maillot's protocol document, appendix tables; devices.md §1.4).
const channel = await loadTargetProfile('firmware-profiles/targets/behringer-x32-channel.yaml');
const bus = await loadTargetProfile('firmware-profiles/targets/behringer-x32-bus.yaml');

const band = (type: Band['type'], gain: number, freq: number, q: number) => ({ type, gain, freq, q }) as Band;
const flat4 = [band('lowshelf', 0, 100, 0.71), band('peaking', 0, 632.5, 2), band('peaking', 0, 2000, 1), band('highshelf', 0, 10020, 0.71)];

function byAddress(msgs: readonly WireMessage[]): Map<string, number | string> {
  return new Map(msgs.map((m) => [m.transport === 'osc' ? m.address : m.key, m.value]));
}

test('X32 frequency floats at the table points: 112.5 Hz is 0.25, 632.5 Hz is 0.5, 10.02 kHz is 0.9, 20 kHz is 1', () => {
  const points: [number, number][] = [
    [112.5, 0.25],
    [632.5, 0.5],
    [10020, 0.9],
    [20000, 1],
    [20, 0],
  ];
  for (const [hz, x] of points) {
    const sent = byAddress(encodeTargetFrame(channel, 1, 'ch1', [band('lowshelf', 0, hz, 0.71), ...flat4.slice(1)]));
    assert.equal(sent.get('/ch/01/eq/1/f'), Math.fround(x), `${hz} Hz`);
  }
});

test('X32 gain floats: -15 dB is 0, 0 dB is 0.5, +15 dB is 1, and every gain lands on the 0.25 dB grid (121 values)', () => {
  for (const [db, x] of [[-15, 0], [0, 0.5], [15, 1], [-6, 0.3], [3.25, 73 / 120]] as const) {
    const sent = byAddress(encodeTargetFrame(channel, 7, 'ch7', [flat4[0]!, band('peaking', db, 632.5, 2), flat4[2]!, flat4[3]!]));
    assert.equal(sent.get('/ch/07/eq/2/g'), Math.fround(x), `${db} dB`);
  }
  fc.assert(
    fc.property(fc.double({ min: -20, max: 20, noNaN: true }), (db) => {
      const x = byAddress(encodeTargetFrame(channel, 1, 'c', [band('lowshelf', db, 100, 0.71), ...flat4.slice(1)])).get('/ch/01/eq/1/g') as number;
      const step = Math.round(x * 120);
      assert.equal(x, Math.fround(step / 120));
      assert.ok(Math.abs(-15 + step / 4 - Math.min(15, Math.max(-15, db))) <= 0.125 + 1e-9);
    }),
  );
});

test('X32 Q floats run inverted in 72 steps: the table shows 0.4648 as Q 2.0 and 0.6479 as Q 1.0; Q 10 is 0, Q 0.3 is 1', () => {
  const qFloat = (q: number) => byAddress(encodeTargetFrame(channel, 1, 'c', [flat4[0]!, band('peaking', 3, 1000, q), flat4[2]!, flat4[3]!])).get('/ch/01/eq/2/q') as number;
  // The table prints each step's Q to one decimal: step 0.6479 is Q 1.03 on the formula 10 * 0.03^x, shown as 1.0.
  for (const [x, shown] of [[0.4648, '2.0'], [0.6479, '1.0']] as const) {
    const q = 10 * 0.03 ** x;
    assert.equal(q.toFixed(1), shown);
    assert.ok(Math.abs(qFloat(q) - x) < 5e-5, `Q ${q}: ${qFloat(q)}`);
  }
  assert.ok(Math.abs(qFloat(2) - 0.4648) < 5e-5, String(qFloat(2)));
  assert.equal(qFloat(10), 0);
  assert.equal(qFloat(0.3), 1);
  fc.assert(
    fc.property(fc.double({ min: 0.3, max: 10, noNaN: true }), (q) => {
      const x = qFloat(q);
      assert.equal(x, Math.fround(Math.round(x * 71) / 71), 'on a k/71 step');
    }),
  );
});

test('band types go as the mixer enum (LShv 1, PEQ 2, HShv 4) on the right addresses, for a 6-band bus too', () => {
  const ch = byAddress(encodeTargetFrame(channel, 12, 'c', flat4));
  assert.deepEqual([1, 2, 3, 4].map((b) => ch.get(`/ch/12/eq/${b}/type`)), [1, 2, 2, 4]);
  const six = [flat4[0]!, flat4[1]!, flat4[1]!, flat4[2]!, flat4[2]!, flat4[3]!];
  const bs = byAddress(encodeTargetFrame(bus, 3, 'b', six));
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((b) => bs.get(`/bus/03/eq/${b}/type`)), [1, 2, 2, 2, 2, 4]);
  assert.equal(bs.get('/bus/03/eq/6/f'), Math.fround(0.9));
});

test('the EQ on switch and the keepalive are the documented messages', () => {
  const on = encodeFixed(channel.on!, 5, 'on');
  assert.deepEqual(on, { key: 'on', transport: 'osc', address: '/ch/05/eq/on', type: 'i', value: 1 });
  const keep = encodeFixed(channel.keepalive!.message, 0, 'k');
  assert.equal(keep.transport === 'osc' && keep.address, '/xremote');
  assert.equal(keep.transport === 'osc' && keep.type, 'none');
  assert.ok(channel.keepalive!.everyMs < 10000, 'renewed before the 10 s expiry');
});

test('quantised before de-duplication: a change the mixer would round away produces the same wire value', () => {
  // 632.5 Hz and 640 Hz both round to step 100 of 200; 0.1 dB rounds to 0 dB on the 0.25 dB grid.
  const a = encodeTargetFrame(channel, 1, 'c', [flat4[0]!, band('peaking', 0, 632.5, 2), flat4[2]!, flat4[3]!]);
  const b = encodeTargetFrame(channel, 1, 'c', [flat4[0]!, band('peaking', 0.1, 640, 2), flat4[2]!, flat4[3]!]);
  const changed = b.filter((m, i) => !sameWire(a[i]!, m));
  assert.deepEqual(changed, []);
  const c = encodeTargetFrame(channel, 1, 'c', [flat4[0]!, band('peaking', 0.2, 660, 2), flat4[2]!, flat4[3]!]);
  assert.deepEqual(
    c.filter((m, i) => !sameWire(a[i]!, m)).map((m) => m.transport === 'osc' && m.address),
    ['/ch/01/eq/2/g', '/ch/01/eq/2/f'],
  );
});
