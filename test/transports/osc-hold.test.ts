// Specifications of the hold of a word's datagrams until the newest, apart from any socket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestHold, MAX_HELD, type HeldDatagram } from '../../src/transports/osc-hold.js';

const bytes = (n: number) => new Uint8Array([n]);
const from = (port: number) => ({ address: '127.0.0.1', port });
const seen = (held: readonly HeldDatagram[]) => held.map((h) => `${h.address}:${h.from.port}=${h.bytes[0]}/${h.superseded}`);

test('LatestHold keeps the newest per address and sender, in the order each first came, and passes them at the end of the turn', async () => {
  const passed: HeldDatagram[][] = [];
  const hold = new LatestHold((h) => passed.push(h));
  hold.hold(0, bytes(1), from(1));
  hold.hold(1, bytes(2), from(1));
  hold.hold(0, bytes(3), from(2));
  hold.hold(0, bytes(4), from(1));
  assert.equal(passed.length, 0);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(passed.map(seen), [['0:1=4/1', '1:1=2/0', '0:2=3/0']]);
});

test('LatestHold passes all it holds at once when one more address or sender comes than it holds', () => {
  const passed: HeldDatagram[][] = [];
  const hold = new LatestHold((h) => passed.push(h));
  for (let p = 0; p <= MAX_HELD; p++) hold.hold(0, bytes(p), from(p));
  assert.equal(passed.length, 1);
  assert.equal(passed[0]!.length, MAX_HELD);
  assert.deepEqual(seen(hold.take()), [`0:${MAX_HELD}=${MAX_HELD}/0`]);
  hold.drop();
});

test('LatestHold: what is taken or dropped is not passed at the end of the turn', async () => {
  const passed: HeldDatagram[][] = [];
  const hold = new LatestHold((h) => passed.push(h));
  hold.hold(0, bytes(1), from(1));
  assert.deepEqual(seen(hold.take()), ['0:1=1/0']);
  assert.deepEqual(hold.take(), []);
  hold.hold(0, bytes(2), from(1));
  hold.drop();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(passed, []);
});
