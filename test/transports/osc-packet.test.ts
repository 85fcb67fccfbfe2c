// Specifications of OSC packet decoding: any bytes are safe to decode, valid messages round trip, bad framing is named.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import oscModule from 'osc-js';
import { decodeOscPacket, decodeWithOscJs, encodeOscMessage, MAX_OSC_PACKET_BYTES, type OscArg } from '../../src/transports/osc-packet.js';
import { bundle, rawMessage } from './osc-bytes.js';

test('decodeOscPacket never throws, whatever the bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      const r = decodeOscPacket(bytes);
      assert.ok(r.ok === true || r.ok === false);
    }),
    { numRuns: 3000 },
  );
});

test('decodeOscPacket never throws for a valid message with bytes flipped', () => {
  const base = encodeOscMessage('/eq/1/gain', [1, 0.5, 'warm', new Uint8Array([1, 2, 3])], 'ifsb');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
      const b = base.slice();
      for (const [i, v] of flips) b[i] = v;
      decodeOscPacket(b);
    }),
    { numRuns: 3000 },
  );
});

const argArb: fc.Arbitrary<[OscArg, string]> = fc.oneof(
  fc.integer({ min: -0x80000000, max: 0x7fffffff }).map((v): [OscArg, string] => [v, 'i']),
  fc.float({ noNaN: true, noDefaultInfinity: true }).map((v): [OscArg, string] => [v, 'f']),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((v): [OscArg, string] => [v, 'd']),
  fc.string({ unit: fc.constantFrom(...'abcXYZ 019/_-.'.split('')), maxLength: 12 }).map((v): [OscArg, string] => [v, 's']),
  fc.uint8Array({ maxLength: 9 }).map((v): [OscArg, string] => [v, 'b']),
  fc.boolean().map((v): [OscArg, string] => [v, v ? 'T' : 'F']),
);

test('every encodable message decodes to the same address, types and arguments', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^\/[a-z0-9_/]{0,20}[a-z0-9]$/), fc.array(argArb, { maxLength: 6 }), (address, typed) => {
      const args = typed.map(([v]) => v);
      const types = typed.map(([, t]) => t).join('');
      const r = decodeOscPacket(encodeOscMessage(address, args, types));
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.messages.length, 1);
      const m = r.messages[0]!;
      assert.equal(m.address, address);
      assert.equal(m.types, types);
      const expected = typed.map(([v, t]) => (t === 'f' ? Math.fround(v as number) : v));
      assert.deepEqual(m.args, expected);
    }),
    { numRuns: 500 },
  );
});

test('a plain message read by hand decodes exactly as osc-js decodes it, bytes flipped or not', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^\/[a-z0-9_/]{0,20}[a-z0-9]$/),
      fc.array(argArb, { maxLength: 6 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
      (address, typed, flips) => {
        const bytes = encodeOscMessage(address, typed.map(([v]) => v), typed.map(([, t]) => t).join(''));
        // Flipped bytes give odd floats (NaN, infinities), non-ASCII text and unknown tags as well as broken framing.
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const ours = decodeOscPacket(bytes);
        const theirs = decodeWithOscJs(bytes);
        if (ours.ok) assert.deepEqual(ours, theirs);
        // where osc-js reads more than we do, it is a framing rule of OSC 1.0 that osc-js does not enforce
        else if (theirs.ok) assert.match(`${ours.drop.reason}: ${ours.drop.detail}`, STRICTER_THAN_OSC_JS);
      },
    ),
    // The example is "/_aa" with two F arguments whose last type-tag pad byte became "s": an unterminated tag string.
    { numRuns: 2000, examples: [['/_aa', [[false, 'F'], [false, 'F']], [[11, 115]]]] },
  );
});

/**
 * What OSC 1.0 requires and osc-js lets through: zero padding after strings, blobs, address and type tags, a type
 * tag string starting with ",", the type tag string and string arguments terminated (osc-js reads a type tag string
 * that runs to the end of the packet, and a string argument past the end as ""), and no bytes after the last argument.
 */
const STRICTER_THAN_OSC_JS = /^malformed: (address|type tag string|string argument|blob) has non-zero padding$|^malformed: type tag string does not start with ","$|^malformed: (type tag string|string argument) is not terminated$|^malformed: \d+ trailing bytes? after the arguments$/;

const addressArb = fc.stringMatching(/^\/[a-z0-9_/]{0,20}[a-z0-9]$/);
const messageArb = fc.tuple(addressArb, fc.array(argArb, { maxLength: 6 })).map(([address, typed]) => encodeOscMessage(address, typed.map(([v]) => v), typed.map(([, t]) => t).join('')));
const packetArb: fc.Arbitrary<Uint8Array> = fc.letrec<{ packet: Uint8Array }>((tie) => ({
  packet: fc.oneof({ depthSize: 'small', withCrossShrink: true }, messageArb, fc.array(tie('packet'), { maxLength: 4 }).map((els) => bundle(...els))),
})).packet;

test('valid packets, messages and (nested) bundles: our decoder accepts every one osc-js accepts, and reads it the same', () => {
  fc.assert(
    fc.property(packetArb, (bytes) => {
      const theirs = decodeWithOscJs(bytes);
      assert.ok(theirs.ok, 'osc-js reads every valid packet');
      assert.deepEqual(decodeOscPacket(bytes), theirs);
    }),
    { numRuns: 500 },
  );
});

test('a float that is not finite drops its message when read by hand, as in a bundle', () => {
  const bytes = encodeOscMessage('/eqmorph/alpha', [0.5], 'f');
  new DataView(bytes.buffer).setFloat32(bytes.length - 4, Number.POSITIVE_INFINITY);
  assert.deepEqual(decodeOscPacket(bytes), { ok: true, messages: [], drops: [{ reason: 'non-finite', detail: '/eqmorph/alpha: argument 1 is Infinity' }] });
});

test('the hand packer writes exactly the bytes osc-js writes, for every encodable message', () => {
  const OSC = ((oscModule as unknown as { default?: unknown }).default ?? oscModule) as unknown as { TypedMessage: new (a: string, args: unknown) => { pack(): Uint8Array } };
  fc.assert(
    fc.property(fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 24 }), fc.array(argArb, { maxLength: 6 }), (tail, typed) => {
      // osc-js rewrites empty address parts ("//", a trailing "/"); ours sends the address exactly as given.
      const address = `/${tail}`.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');
      const args = typed.map(([v]) => v);
      const types = typed.map(([, t]) => t).join('');
      const ours = encodeOscMessage(address, args, types);
      const theirs = new OSC.TypedMessage(address, typed.map(([value, type]) => ({ type, value }))).pack();
      assert.deepEqual([...ours], [...theirs]);
    }),
    { numRuns: 1000 },
  );
});

test('a bundle is flattened into its messages in order, nested bundles included', () => {
  const r = decodeOscPacket(bundle(encodeOscMessage('/a', [1]), bundle(encodeOscMessage('/b', ['x']), encodeOscMessage('/c', [])), encodeOscMessage('/d', [true])));
  assert.ok(r.ok);
  assert.deepEqual(r.messages.map((m) => m.address), ['/a', '/b', '/c', '/d']);
});

test('a datagram larger than the limit is dropped as oversized, the default limit being 64 KiB', () => {
  const big = new Uint8Array(MAX_OSC_PACKET_BYTES + 4);
  big.set(encodeOscMessage('/x', []));
  const r = decodeOscPacket(big);
  assert.deepEqual(r.ok ? null : r.drop.reason, 'oversized');
  assert.equal(MAX_OSC_PACKET_BYTES, 65536);
});

const malformed: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['length not a multiple of 4', encodeOscMessage('/abc', [1]).slice(0, 10)],
  ['truncated argument', encodeOscMessage('/abc', [1.5]).slice(0, 8 + 4)],
  ['unterminated address', new TextEncoder().encode('/abcdefg')],
  ['non-zero padding', rawMessage('/ab', ',i', [0, 0, 0, 1], { padByte: 7 })],
  ['type tags without comma', rawMessage('/ab', 'ii', [0, 0, 0, 1])],
  ['unknown type tag', rawMessage('/ab', ',q', [0, 0, 0, 1])],
  ['trailing bytes', rawMessage('/ab', ',i', [0, 0, 0, 1, 9, 9, 9, 9])],
  ['negative blob size', rawMessage('/ab', ',b', [0xff, 0xff, 0xff, 0xfe])],
  ['blob larger than the packet', rawMessage('/ab', ',b', [0, 0, 1, 0, 1, 2, 3, 4])],
  ['bundle element size beyond the end', bundle(encodeOscMessage('/a', [1])).slice(0, 24)],
  ['address not starting with /', rawMessage('ab', ',i', [0, 0, 0, 1])],
];
for (const [what, bytes] of malformed) {
  test(`a datagram with ${what} is dropped as malformed`, () => {
    const r = decodeOscPacket(bytes);
    assert.equal(r.ok ? 'ok' : r.drop.reason, 'malformed');
  });
}

test('a message with a NaN or infinite float is dropped, other messages of its bundle are kept', () => {
  const nan = rawMessage('/nan', ',f', [0x7f, 0xc0, 0, 0]);
  const inf = rawMessage('/inf', ',d', [0x7f, 0xf0, 0, 0, 0, 0, 0, 0]);
  const r = decodeOscPacket(bundle(nan, encodeOscMessage('/ok', [0.5]), inf));
  assert.ok(r.ok);
  assert.deepEqual(r.messages.map((m) => m.address), ['/ok']);
  assert.deepEqual(r.drops.map((d) => d.reason), ['non-finite', 'non-finite']);
});

test('nil and infinitum arguments have no equivalent, so their message is dropped as unsupported', () => {
  const r = decodeOscPacket(rawMessage('/n', ',N', []));
  assert.ok(r.ok);
  assert.equal(r.messages.length, 0);
  assert.equal(r.drops[0]!.reason, 'unsupported');
});

test('encoding refuses what it cannot send faithfully', () => {
  assert.throws(() => encodeOscMessage('/x', [Number.NaN], 'f'), RangeError);
  assert.throws(() => encodeOscMessage('/x', [1.5], 'i'), RangeError);
  assert.throws(() => encodeOscMessage('/x', ['é'], 's'), RangeError);
  assert.throws(() => encodeOscMessage('x', []), RangeError);
  assert.throws(() => encodeOscMessage('/x', [1, 2], 'i'), RangeError);
});

test('without explicit types, integers go as i and fractions as f; with types, 1 can go as a float', () => {
  const dflt = decodeOscPacket(encodeOscMessage('/x', [1, 0.5]));
  assert.ok(dflt.ok);
  assert.equal(dflt.messages[0]!.types, 'if');
  const typed = decodeOscPacket(encodeOscMessage('/x', [1], 'f'));
  assert.ok(typed.ok);
  assert.equal(typed.messages[0]!.types, 'f');
  assert.deepEqual(typed.messages[0]!.args, [1]);
});
