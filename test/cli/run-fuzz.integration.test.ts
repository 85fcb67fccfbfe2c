import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { encodeOscMessage, type OscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpCounters } from '../../src/transports/osc-udp.js';
import { startCaughtRun, type CaughtRun } from '../support/caught-run.js';
import { bundle, rawMessage } from '../transports/osc-bytes.js';
import { until } from '../support/until.js';

// Fuzz over real UDP: arbitrary bytes and well-formed-but-hostile OSC into a running bridge (the default mapping on a
// free port); after every batch the bridge still takes a valid alpha, and at the end it answers with the model's EQ.

let bridge: CaughtRun;
let run: CaughtRun['run'];
let received: OscMessage[];

before(async () => {
  bridge = await startCaughtRun();
  ({ run, received } = bridge);
});

after(() => bridge.stop());

const send = (bytes: Uint8Array) => bridge.send(bytes);

const be32 = (write: (v: DataView) => void) => {
  const v = new DataView(new ArrayBuffer(4));
  write(v);
  return [...new Uint8Array(v.buffer)];
};
const f32 = (x: number) => be32((v) => v.setFloat32(0, x));
const i32 = (x: number) => be32((v) => v.setInt32(0, x | 0));

const ADDRESSES = ['/eqmorph/alpha', '/eqmorph/strength', '/eqmorph/termA', '/eqmorph/termB', '/eqmorph/bypass', '/eqmorph/dump'];
const address = fc.oneof(fc.constantFrom(...ADDRESSES), fc.string({ maxLength: 40 }).map((s) => `/${s}`), fc.string({ maxLength: 20 }));
const hostileNumber = fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, 3.4e38, -3.4e38, 1e-45, -1, 2, 0.5), fc.float());

/** One hostile datagram. */
const packet: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 1500 }), // random bytes
  fc.tuple(address, hostileNumber).map(([a, x]) => rawMessage(a, ',f', f32(x))), // NaN, infinities, out of range
  fc.tuple(address, fc.integer()).map(([a, x]) => rawMessage(a, ',i', i32(x))),
  fc.tuple(address, fc.string({ maxLength: 8 }), fc.uint8Array({ maxLength: 16 })).map(([a, tags, args]) => rawMessage(a, `,${tags}`, [...args])), // any type tag
  fc.tuple(address, fc.uint8Array({ maxLength: 16 })).map(([a, args]) => rawMessage(a, 'f', [...args])), // a tag string without its comma
  fc.tuple(address, hostileNumber, fc.integer({ min: 1, max: 255 })).map(([a, x, pad]) => rawMessage(a, ',f', f32(x), { padByte: pad })), // wrong padding
  fc.tuple(fc.constantFrom(...ADDRESSES), fc.float({ min: 0, max: 1, noNaN: true }), fc.nat()).map(([a, x, cut]) => {
    const whole = rawMessage(a, ',f', f32(x));
    return whole.slice(0, cut % whole.length); // truncated
  }),
  fc.tuple(fc.constantFrom('/eqmorph/termA', '/eqmorph/termB'), fc.string({ maxLength: 30 })).map(([a, s]) => rawMessage(a, ',s', [...new TextEncoder().encode(s), 0, 0, 0, 0].slice(0, (s.length + 4) & ~3))),
  fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }).map((els) => bundle(...els)), // bundles of garbage
  fc.integer({ min: 1, max: 12 }).map((depth) => {
    let b = rawMessage('/eqmorph/alpha', ',f', f32(0.5));
    for (let i = 0; i < depth; i++) b = bundle(b); // nesting deeper than allowed
    return b;
  }),
);

test('fuzz: hostile datagrams never stop the bridge; after each batch a valid alpha is still taken', async () => {
  let batch = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(packet, { minLength: 1, maxLength: 25 }), async (packets) => {
      for (const p of packets) await send(p);
      // A unique alpha per batch, so the assertion cannot be met by what a fuzz packet happened to set.
      const alpha = Math.fround(((batch++ % 97) + 1) / 199);
      await send(encodeOscMessage('/eqmorph/alpha', [alpha], 'f'));
      await until(`alpha ${alpha} after a batch`, () => run.bridge().state().get('main')!.alpha === alpha, 15_000);
    }),
    { numRuns: 60 },
  );
  await send(new Uint8Array(60000).fill(0x2f)); // one big datagram of '/'
  const c = run.oscInputs.get('surface')!.counters() as OscUdpCounters;
  assert.ok(c.dropped > 0 && c.malformed > 0, JSON.stringify(c));
});

test('fuzz: afterwards the bridge answers a valid alpha with exactly the EQ its decoder sends', async () => {
  await send(encodeOscMessage('/eqmorph/bypass', [0], 'i'));
  await send(encodeOscMessage('/eqmorph/strength', [1], 'f'));
  await send(encodeOscMessage('/eqmorph/termA', ['warm'], 's'));
  await send(encodeOscMessage('/eqmorph/termB', ['bright'], 's'));
  await send(encodeOscMessage('/eqmorph/alpha', [0.375], 'f'));
  await until('the reset state', () => {
    const s = run.bridge().state().get('main')!;
    return s.alpha === 0.375 && s.strength === 1 && !s.bypass && s.termA === 'warm' && s.termB === 'bright';
  }, 15_000);
  // Let the frames of the reset drain first, so that everything after `from` is the dump (a loaded machine delays them).
  for (let seen = -1; seen !== received.length; ) {
    seen = received.length;
    await new Promise((r) => setTimeout(r, 200));
  }
  const from = received.length;
  await send(encodeOscMessage('/eqmorph/dump'));
  await until('a full dump', () => new Set(received.slice(from).map((m) => m.address)).size >= 15, 15_000);
  const msgs = received.slice(from);
  const direct = run.decoder.decode('warm', 'bright', 0.375);
  for (let n = 1; n <= 5; n++) {
    const get = (p: string) => msgs.filter((m) => m.address === `/eqmorph/band/${n}/${p}`).at(-1)!.args[0] as number;
    const b = direct[n - 1]!;
    assert.ok(Math.abs(get('gain') - b.gain) < 0.05, `band ${n} gain ${get('gain')} vs ${b.gain}`);
    assert.ok(Math.abs(get('freq') / b.freq - 1) < 0.005, `band ${n} freq`);
    assert.ok(Math.abs(get('q') / b.q - 1) < 0.005, `band ${n} q`);
  }
  assert.equal(run.bridge().counters().errors, 0, 'no stage had to catch an exception');
});
