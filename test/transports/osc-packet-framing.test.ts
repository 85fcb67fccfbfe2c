// What OSC 1.0 framing the decoder refuses and why (the reason a dropped datagram is logged with), its limits at their
// exact edges, and the sentence each argument the encoder refuses is refused with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import oscModule from 'osc-js';
import { decodeOscPacket, encodeOscMessage, MAX_OSC_BUNDLE_DEPTH, type OscArg } from '../../src/transports/osc-packet.js';
import { bundle, rawMessage } from './osc-bytes.js';

const int32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
/** A bundle whose one element is announced as `size` bytes, followed by `body`. */
const sizedBundle = (size: number, body: number[]) => new Uint8Array([...bundle(), ...int32(size), ...body]);
const nested = (depth: number) => Array.from({ length: depth }).reduce<Uint8Array>((inner) => bundle(inner), encodeOscMessage('/deep', [1]));

const detailOf = (bytes: Uint8Array, maxBytes?: number) => {
  const r = decodeOscPacket(bytes, maxBytes);
  return r.ok ? 'ok' : `${r.drop.reason}: ${r.drop.detail}`;
};

const refused: [string, Uint8Array, string][] = [
  ['nothing', new Uint8Array(0), 'empty packet'],
  ['a length off the 4-byte grid', encodeOscMessage('/abc', [1]).slice(0, 10), 'length 10 is not a multiple of 4'],
  ['a bundle cut inside its time tag', bundle().slice(0, 12), 'bundle truncated in its time tag'],
  ['nothing but the bundle head', bundle().slice(0, 8), 'bundle truncated in its time tag'],
  // A 4-byte element that begins like a bundle head, the rest of the head following it: it is a message without "/".
  ['an element shorter than a bundle head', sizedBundle(4, [...new TextEncoder().encode('#bundle'), 0]), 'address does not start with "/"'],
  ['a bundle element of size 0', sizedBundle(0, []), 'bundle element size 0 does not fit the bundle'],
  ['a bundle element of negative size', sizedBundle(-4, [0, 0, 0, 0]), 'bundle element size -4 does not fit the bundle'],
  ['a bundle element size off the grid', sizedBundle(6, [...encodeOscMessage('/a', [])]), 'bundle element size 6 does not fit the bundle'],
  ['a bundle element longer than the bundle', sizedBundle(16, [...encodeOscMessage('/a', [])]), 'bundle element size 16 does not fit the bundle'],
  ['an address without "/"', rawMessage('ab', ',i', int32(1)), 'address does not start with "/"'],
  ['an address that never ends', new TextEncoder().encode('/abcdefg'), 'address is not terminated'],
  ['no type tag string', rawMessage('/ab', '', []).slice(0, 4), 'type tag string missing'],
  ['type tags without the comma', rawMessage('/ab', 'ii', int32(1)), 'type tag string does not start with ","'],
  ['an address padded with other bytes than zero', rawMessage('/a', ',i', int32(1), { padByte: 7 }), 'address has non-zero padding'],
  ['type tags padded with other bytes than zero', new Uint8Array([...rawMessage('/ab', '', []).slice(0, 4), 0x2c, 0x69, 0, 9, ...int32(1)]), 'type tag string has non-zero padding'],
  ['a string argument that never ends', rawMessage('/ab', ',s', [0x61, 0x62, 0x63, 0x64]), 'string argument is not terminated'],
  ['a blob without its size', rawMessage('/ab', ',b', []), 'blob size truncated'],
  ['a blob of negative size', rawMessage('/ab', ',b', int32(-2)), 'negative blob size -2'],
  ['a blob longer than the datagram', rawMessage('/ab', ',b', [...int32(5), 1, 2, 3, 4]), 'blob truncated'],
  ['a blob padded with other bytes than zero', rawMessage('/ab', ',b', [...int32(2), 1, 2, 0, 9]), 'blob has non-zero padding'],
  ['an unknown type tag', rawMessage('/ab', ',q', int32(1)), "unknown type tag 'q'"],
  ['a 64-bit argument cut short', rawMessage('/ab', ',h', int32(1)), "argument 'h' truncated"],
  ['bytes after the last argument', rawMessage('/ab', ',i', [...int32(1), 9, 9, 9, 9]), '4 trailing bytes after the arguments'],
  [`bundles nested ${MAX_OSC_BUNDLE_DEPTH + 1} deep`, nested(MAX_OSC_BUNDLE_DEPTH + 1), `bundles nested deeper than ${MAX_OSC_BUNDLE_DEPTH}`],
];
for (const [what, bytes, detail] of refused) {
  test(`a datagram with ${what} is malformed: "${detail}"`, () => {
    assert.equal(detailOf(bytes), `malformed: ${detail}`);
  });
}

test('the limits hold at their edges: bundles nested 8 deep, an empty bundle, a datagram of exactly the size limit', () => {
  assert.equal(MAX_OSC_BUNDLE_DEPTH, 8);
  const deep = decodeOscPacket(nested(MAX_OSC_BUNDLE_DEPTH));
  assert.deepEqual(deep, { ok: true, messages: [{ address: '/deep', args: [1], types: 'i' }], drops: [] });
  assert.deepEqual(decodeOscPacket(bundle()), { ok: true, messages: [], drops: [] });
  const twelve = encodeOscMessage('/ab', [1]);
  assert.equal(twelve.length, 12);
  assert.equal(detailOf(twelve, 12), 'ok');
  assert.equal(detailOf(twelve, 8), 'oversized: datagram of 12 bytes exceeds the 8-byte limit');
  assert.equal(detailOf(new Uint8Array(65540)), 'oversized: datagram of 65540 bytes exceeds the 65536-byte limit');
});

test('blobs and the remaining types decode to their values; nil and 64-bit numbers beyond 2^53 drop their message with a reason', () => {
  const blob = decodeOscPacket(rawMessage('/b', ',bi', [...int32(3), 7, 8, 9, 0, ...int32(-5)]));
  assert.deepEqual(blob, { ok: true, messages: [{ address: '/b', args: [new Uint8Array([7, 8, 9]), -5], types: 'bi' }], drops: [] });
  const big = decodeOscPacket(rawMessage('/h', ',h', [0x00, 0x20, 0, 0, 0, 0, 0, 1]));
  assert.deepEqual(big, { ok: true, messages: [], drops: [{ reason: 'unsupported', detail: '/h: 64-bit argument 1 is beyond 2^53' }] });
  const safe = decodeOscPacket(rawMessage('/h', ',ht', [0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 2]));
  assert.deepEqual(safe, { ok: true, messages: [{ address: '/h', args: [2 ** 53 - 1, 2], types: 'ht' }], drops: [] });
  const nil = decodeOscPacket(rawMessage('/n', ',iN', int32(1)));
  assert.deepEqual(nil, { ok: true, messages: [], drops: [{ reason: 'unsupported', detail: "/n: argument type 'N' is not supported" }] });
  const nan = decodeOscPacket(bundle(rawMessage('/d', ',id', [...int32(1), 0x7f, 0xf8, 0, 0, 0, 0, 0, 0])));
  assert.deepEqual(nan, { ok: true, messages: [], drops: [{ reason: 'non-finite', detail: '/d: argument 2 is NaN' }] });
});

test('text that is not 7-bit ASCII and messages in bundles are read the same as a plain ASCII message', () => {
  const latin = rawMessage('/t', ',s', [0x61, 0xe9, 0, 0]);
  const r = decodeOscPacket(latin);
  assert.equal(r.ok, true);
  assert.deepEqual(r.ok && r.messages.map((m) => [m.address, m.types, typeof m.args[0]]), [['/t', 's', 'string']]);
  const inBundle = decodeOscPacket(bundle(encodeOscMessage('/x', [1, 0.5, 'w', true, false], 'ifsTF')));
  assert.deepEqual(inBundle, { ok: true, messages: [{ address: '/x', args: [1, 0.5, 'w', true, false], types: 'ifsTF' }], drops: [] });
});

const refusedArgs: [string, OscArg[], string | undefined, string][] = [
  ['x', [], undefined, 'OSC address "x" must start with "/"'],
  [42 as unknown as string, [], undefined, 'OSC address "42" must start with "/"'], // a caller outside TypeScript
  ['/a b', [], undefined, 'OSC address "/a b" must be printable ASCII'],
  ['/x', [1, 2], 'i', '/x: 2 arguments but type tags "i"'],
  ['/x', [1.5], 'i', "/x: argument 1 (1.5) is not a 32-bit integer for 'i'"],
  ['/x', [2 ** 31], 'i', "/x: argument 1 (2147483648) is not a 32-bit integer for 'i'"],
  ['/x', [-(2 ** 31) - 1], 'i', "/x: argument 1 (-2147483649) is not a 32-bit integer for 'i'"],
  ['/x', ['1'], 'i', "/x: argument 1 (1) is not a 32-bit integer for 'i'"],
  ['/x', [0, Number.NaN], 'if', "/x: argument 2 (NaN) is not a finite number for 'f'"],
  ['/x', [Number.POSITIVE_INFINITY], 'd', "/x: argument 1 (Infinity) is not a finite number for 'd'"],
  ['/x', ['1'], 'f', "/x: argument 1 (1) is not a finite number for 'f'"],
  ['/x', [1], 's', "/x: argument 1 (1) is not a string for 's'"],
  ['/x', ['é'], 's', '/x: argument 1 (é) is not ASCII without NUL'],
  ['/x', ['a\u0000'], 's', '/x: argument 1 (a\u0000) is not ASCII without NUL'],
  ['/x', [[1] as unknown as OscArg], 'b', "/x: argument 1 (1) is not a Uint8Array for 'b'"],
  ['/x', [false], 'T', "/x: argument 1 (false) does not match tag 'T'"],
  ['/x', [true], 'F', "/x: argument 1 (true) does not match tag 'F'"],
  ['/x', [1], 'q', "/x: argument 1 (1) has unsupported type tag 'q'"],
];
for (const [address, args, types, message] of refusedArgs) {
  test(`encoding refuses: ${message}`, () => {
    assert.throws(() => encodeOscMessage(address, args, types), (err: unknown) => err instanceof RangeError && err.message === message);
  });
}

test('the 32-bit integer range includes both of its ends, with the tag given or chosen; one past an end goes as a float', () => {
  for (const n of [-(2 ** 31), 2 ** 31 - 1]) {
    assert.deepEqual(decodeOscPacket(encodeOscMessage('/i', [n], 'i')), { ok: true, messages: [{ address: '/i', args: [n], types: 'i' }], drops: [] });
    assert.deepEqual(decodeOscPacket(encodeOscMessage('/i', [n])), { ok: true, messages: [{ address: '/i', args: [n], types: 'i' }], drops: [] });
  }
  for (const n of [-(2 ** 31) - 1, 2 ** 31]) {
    assert.deepEqual(decodeOscPacket(encodeOscMessage('/i', [n])), { ok: true, messages: [{ address: '/i', args: [Math.fround(n)], types: 'f' }], drops: [] });
  }
  const chosen = decodeOscPacket(encodeOscMessage('/t', ['w', true, false, new Uint8Array([1])]));
  assert.deepEqual(chosen, { ok: true, messages: [{ address: '/t', args: ['w', true, false, new Uint8Array([1])], types: 'sTFb' }], drops: [] });
  assert.deepEqual([...encodeOscMessage('/t')], [0x2f, 0x74, 0, 0, 0x2c, 0, 0, 0]);
});

test('a plain message of numbers, ASCII words and booleans is read without osc-js; bundles, blobs and other text go through it', () => {
  const OSC = ((oscModule as unknown as { default?: unknown }).default ?? oscModule) as unknown as { Packet: { prototype: { unpack(v: DataView): unknown } } };
  const unpack = OSC.Packet.prototype.unpack;
  let calls = 0;
  OSC.Packet.prototype.unpack = function (this: unknown, v: DataView) {
    calls++;
    return unpack.call(this, v);
  };
  try {
    const plain: [string, OscArg[], string][] = [
      ['/eqmorph/alpha', [0.5], 'f'],
      ['/1/fader1', [0.25, 7, 'warm', true, false], 'fisTF'],
      ['/a', [], ''],
      ['/t', ['a longer word, to pad'], 's'],
      ['/t', ['del \u007f, the last ASCII byte'], 's'],
    ];
    for (const [address, args, types] of plain) {
      assert.deepEqual(decodeOscPacket(encodeOscMessage(address, args, types)), { ok: true, messages: [{ address, args, types }], drops: [] });
    }
    assert.equal(calls, 0, 'plain messages never reach osc-js');
    decodeOscPacket(bundle(encodeOscMessage('/a', [1])));
    decodeOscPacket(encodeOscMessage('/b', [new Uint8Array([1])], 'b'));
    decodeOscPacket(rawMessage('/t', ',s', [0x61, 0xe9, 0, 0]));
    decodeOscPacket(rawMessage('/\u00e9', ',i', int32(1)));
    assert.equal(calls, 4);
  } finally {
    OSC.Packet.prototype.unpack = unpack;
  }
});

test('a datagram that sits inside a larger buffer is read from its own first byte, blobs included', () => {
  const message = encodeOscMessage('/b', [new Uint8Array([5, 6, 7]), 2], 'bi');
  const buffer = new Uint8Array(8 + message.length).fill(0x2f);
  buffer.set(message, 8);
  assert.deepEqual(decodeOscPacket(buffer.subarray(8)), { ok: true, messages: [{ address: '/b', args: [new Uint8Array([5, 6, 7]), 2], types: 'bi' }], drops: [] });
});

test('a decoded blob owns its bytes: it does not keep the datagram it came in alive', () => {
  const r = decodeOscPacket(bundle(encodeOscMessage('/b', [new Uint8Array([5, 6, 7])], 'b')));
  const blob = (r.ok ? r.messages[0]!.args[0] : null) as Uint8Array;
  assert.deepEqual([blob, blob.byteOffset, blob.buffer.byteLength], [new Uint8Array([5, 6, 7]), 0, 3]);
});
