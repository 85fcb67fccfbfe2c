// Datagrams to a host name leave in the order they were sent: one lookup per name, answered to every waiting datagram
// in order, and reused for NAME_TTL_MS.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { decodeOscPacket } from '../../src/transports/osc-packet.js';
import { NAME_TTL_MS, orderedLookup, OscUdpTransport } from '../../src/transports/osc-udp.js';
import { until } from '../support/until.js';

type Answer = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

function fakeResolver() {
  const pending: Answer[] = [];
  return { pending, resolver: (_host: string, _opts: unknown, cb: Answer) => void pending.push(cb) };
}

test('datagrams waiting for one host name get its address in the order they were sent, from one lookup', () => {
  const { pending, resolver } = fakeResolver();
  let clock = 0;
  const lookup = orderedLookup(resolver, () => clock);
  const order: number[] = [];
  for (let i = 0; i < 5; i++) lookup('desk.local', 4, (err, address) => (assert.equal(err, null), assert.equal(address, '10.0.0.7'), order.push(i)));
  assert.equal(pending.length, 1);
  pending[0]!(null, '10.0.0.7', 4);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  // Within the TTL: at once, no lookup.
  lookup('desk.local', 4, () => order.push(5));
  assert.deepEqual([order.at(-1), pending.length], [5, 1]);
  clock += NAME_TTL_MS;
  lookup('desk.local', 4, () => order.push(6));
  assert.deepEqual([order.at(-1), pending.length], [5, 2]);
});

test('a failed lookup is answered to every waiting datagram and not kept', () => {
  const { pending, resolver } = fakeResolver();
  const lookup = orderedLookup(resolver, () => 0);
  const errors: string[] = [];
  lookup('nowhere', 4, (err) => errors.push(err!.code!));
  lookup('nowhere', 4, (err) => errors.push(err!.code!));
  pending[0]!(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), '', 0);
  assert.deepEqual(errors, ['ENOTFOUND', 'ENOTFOUND']);
  lookup('nowhere', 4, () => {});
  assert.equal(pending.length, 2);
});

test('an output to localhost delivers every frame in the order it was sent, over real UDP', async () => {
  const rx = dgram.createSocket('udp4');
  const got: string[] = [];
  rx.on('message', (buf) => {
    const r = decodeOscPacket(new Uint8Array(buf));
    if (r.ok) got.push(r.messages[0]!.address);
  });
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  const out = new OscUdpTransport({ name: 'eq', mode: 'out', remote: { host: 'localhost', port: rx.address().port }, socketType: 'udp4' });
  await out.open();
  const sent: string[] = [];
  try {
    for (let frame = 0; frame < 10; frame++) {
      for (let band = 1; band <= 5; band++) {
        for (const p of ['gain', 'freq', 'q']) {
          const address = `/eqmorph/band/${band}/${p}`;
          sent.push(address);
          out.send({ address, args: [frame], types: 'f' });
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    await until('every datagram', () => got.length === sent.length, 10_000);
    assert.deepEqual(got, sent);
  } finally {
    await out.close();
    rx.close();
  }
});
