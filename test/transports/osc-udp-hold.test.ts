// Specifications of an OSC input that holds a word's messages until the newest (holdLatest), on real sockets at 127.0.0.1.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeOscPacket, encodeOscMessage } from '../../src/transports/osc-packet.js';
import { heldAddress, OscUdpTransport, type OscInMessage } from '../../src/transports/osc-udp.js';
import { eventually } from './contract.js';
import { bundle, rawMessage } from './osc-bytes.js';

const LOCAL = '127.0.0.1';
const WORD = '/eqmorph/termB';
const word = (text: string) => encodeOscMessage(WORD, [text], 's');
const alpha = (v: number) => encodeOscMessage('/eqmorph/alpha', [v], 'f');

/** An input holding WORD (and termA), what it passed on, and senders connected to it. */
async function harness(reader: Reader, held: readonly string[] = [WORD, '/eqmorph/termA']) {
  const t = new OscUdpTransport({ name: 'hold-in', mode: 'in', bind: { host: LOCAL, port: 0 }, reader });
  assert.equal(t.readsOnThread(), false);
  await t.open();
  t.holdLatest(held);
  const got: OscInMessage[] = [];
  const sub = t.messages$.subscribe((m) => got.push(m));
  assert.equal(t.readsOnThread(), reader === 'thread');
  const port = t.localAddress()!.port;
  const senders: dgram.Socket[] = [];
  /** A socket connected to the input: its sends leave at once, so a loop of them arrives as one burst. */
  const sender = async () => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.connect(port, LOCAL, r));
    senders.push(s);
    return s;
  };
  /** Each message passed on stands for itself and the ones it replaced. */
  const accounted = () => got.reduce((n, m) => n + 1 + (m.superseded ?? 0), 0);
  const close = async () => {
    sub.unsubscribe();
    for (const s of senders) s.close();
    await t.close();
  };
  return { t, got, sender, accounted, close };
}

const texts = (ms: readonly OscInMessage[]) => ms.map((m) => `${m.address.slice(9)}=${String(m.args[0])}`);

type Reader = 'thread' | 'main';

// The same specifications whether the socket is read on a thread of its own (the default for an input) or on this one.
for (const reader of ['thread', 'main'] as const) {
  test(`osc-udp hold (${reader} reader): of a burst of words to one address, only the newest is passed on, saying how many it replaced; each is counted in \`in\``, async () => {
    const h = await harness(reader);
    try {
      const s = await h.sender();
      // This thread sends a burst whole before a reader on it reads any of it. A reader thread reads while the words
      // arrive, and can keep up with a burst's first words, or now and then (a busy machine) with all 30 of them, each
      // then alone in its read and passed on: so bursts are sent until one arrives faster than that thread reads.
      const bursts = reader === 'main' ? 1 : 20;
      let first = 0;
      for (let b = 0; b < bursts; b++) {
        first = h.got.length;
        const burst = Array.from({ length: 30 }, (_, i) => word(`zq${b}-${i}x`));
        for (const d of burst) s.send(d);
        await eventually(() => h.accounted() === 30 * (b + 1), `all ${30 * (b + 1)} words accounted for`);
        assert.equal(h.got.at(-1)!.args[0], `zq${b}-29x`);
        assert.equal(h.t.counters().in, 30 * (b + 1));
        if (h.got.length - first < 30) break;
      }
      // Read in one or a few turns of the event loop: far fewer passed on than sent.
      const passed = h.got.slice(first);
      assert.ok(passed.length < 30, `${passed.length} passed on`);
      assert.ok(passed.some((m) => (m.superseded ?? 0) > 0));
      assert.equal(h.t.counters().dropped, 0);
    } finally {
      await h.close();
    }
  });

  test(`osc-udp hold (${reader} reader): a word then an alpha in one burst: the newest word is passed on before the alpha, and words after it after it`, async () => {
    const h = await harness(reader);
    try {
      const s = await h.sender();
      for (let i = 0; i < 10; i++) s.send(word(`before${i}`));
      s.send(alpha(0.5));
      for (let i = 0; i < 10; i++) s.send(word(`after${i}`));
      await eventually(() => h.accounted() === 21, 'all 21 datagrams accounted for');
      const at = h.got.findIndex((m) => m.address === '/eqmorph/alpha');
      assert.deepEqual(texts(h.got.slice(at - 1, at + 1)), ['termB=before9', 'alpha=0.5']);
      assert.equal(texts(h.got).at(-1), 'termB=after9');
      // No word from before the alpha comes after it.
      assert.ok(h.got.slice(at + 1).every((m) => String(m.args[0]).startsWith('after')));
      assert.equal(h.got[at]!.superseded, undefined);
    } finally {
      await h.close();
    }
  });

  test(`osc-udp hold (${reader} reader): a flood from one sender never replaces another sender's word, nor another address's`, async () => {
    const h = await harness(reader);
    try {
      const player = await h.sender();
      const flooder = await h.sender();
      player.send(word('bright'));
      player.send(encodeOscMessage('/eqmorph/termA', ['warm'], 's'));
      for (let i = 0; i < 25; i++) flooder.send(word(`zq${i}x`));
      await eventually(() => h.accounted() === 27, 'all 27 words accounted for');
      const playerPort = (player.address() as { port: number }).port;
      const mine = h.got.filter((m) => m.from.port === playerPort);
      assert.deepEqual(texts(mine), ['termB=bright', 'termA=warm']);
      assert.ok(mine.every((m) => m.superseded === undefined));
    } finally {
      await h.close();
    }
  });

  test(`osc-udp hold (${reader} reader): what only looks like a held word goes through the full decoder: other types, longer addresses, bad padding, bundles`, async () => {
    const h = await harness(reader);
    try {
      const s = await h.sender();
      const notWords = [
        encodeOscMessage(WORD, [3], 'i'),
        encodeOscMessage(WORD, ['a', 'b'], 'ss'),
        encodeOscMessage(`${WORD}x`, ['w'], 's'),
        bundle(word('inbundle1'), word('inbundle2')),
      ];
      for (const b of notWords) s.send(b);
      // A word whose padding is not zero is malformed: counted and dropped, never held.
      s.send(rawMessage(WORD, ',s', [0x61, 0, 0x61, 0]));
      await eventually(() => h.got.length === 5 && h.t.counters().dropped === 1, 'four messages and a bundle of two, and one malformed');
      assert.deepEqual(texts(h.got), ['termB=3', 'termB=a', 'termBx=w', 'termB=inbundle1', 'termB=inbundle2']);
      assert.equal(h.t.counters().malformed, 1);
      assert.ok(h.got.every((m) => m.superseded === undefined));
    } finally {
      await h.close();
    }
  });

  test(`osc-udp hold (${reader} reader): with no addresses held, every word is passed on`, async () => {
    const h = await harness(reader, []);
    try {
      const s = await h.sender();
      for (let i = 0; i < 20; i++) s.send(word(`w${i}`));
      await eventually(() => h.got.length === 20, 'all 20 words');
      assert.deepEqual(h.got.map((m) => m.args[0]), Array.from({ length: 20 }, (_, i) => `w${i}`));
    } finally {
      await h.close();
    }
  });
}

test('heldAddress picks out exactly the datagrams the full decoder reads as one string message to a held address', () => {
  const addresses = ['/eqmorph/termA', '/eqmorph/termB', '/x'];
  const prefixes = addresses.map((a) => encodeOscMessage(a, [''], 's').subarray(0, -4));
  const ascii = fc.string({ unit: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 12 });
  const datagram = fc.oneof(
    fc.tuple(fc.constantFrom(...addresses, '/eqmorph/term', '/eqmorph/termBB', '/y'), ascii).map(([a, w]) => encodeOscMessage(a, [w], 's')),
    fc.tuple(fc.constantFrom(...addresses), fc.integer()).map(([a, n]) => encodeOscMessage(a, [n | 0], 'i')),
    fc.tuple(fc.constantFrom(...addresses), ascii, ascii).map(([a, w, v]) => encodeOscMessage(a, [w, v], 'ss')),
    // Any word with some bytes changed, cut short or lengthened: framing the decoder must refuse, or another message.
    fc.tuple(fc.constantFrom(...addresses), ascii, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.integer({ min: -4, max: 4 })).map(([a, w, edits, grow]) => {
      const b = encodeOscMessage(a, [w], 's');
      const out = new Uint8Array(Math.max(0, b.length + grow));
      out.set(b.subarray(0, out.length));
      for (const [at, v] of edits) if (out.length > 0) out[at % out.length] = v;
      return out;
    }),
  );
  fc.assert(
    fc.property(datagram, (b) => {
      const d = decodeOscPacket(b);
      const one = d.ok && d.messages.length === 1 && d.drops.length === 0 ? d.messages[0]! : null;
      const expected = one && one.types === 's' ? addresses.indexOf(one.address) : -1;
      assert.equal(heldAddress(prefixes, b), expected);
    }),
    { numRuns: 2000 },
  );
});
