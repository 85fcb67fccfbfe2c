// encodeCached: the transport's template fast path produces exactly the bytes encodeOscMessage does, for every message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { encodeCached } from '../../src/transports/osc-udp.js';

const address = fc.stringMatching(/^\/[a-z0-9{}_/]{0,24}$/);
const bytesOf = (f: () => Uint8Array) => {
  try {
    return Array.from(f());
  } catch (err) {
    return (err as Error).message;
  }
};

test('for all addresses and float32 values, cached encoding equals encodeOscMessage (warm and cold cache)', () => {
  const templates = new Map<string, Uint8Array>();
  fc.assert(
    fc.property(address, fc.double(), (a, v) => {
      const expected = bytesOf(() => encodeOscMessage(a, [v], 'f'));
      assert.deepEqual(bytesOf(() => encodeCached(templates, { address: a, args: [v], types: 'f' })), expected);
      // Second time from the warm template.
      assert.deepEqual(bytesOf(() => encodeCached(templates, { address: a, args: [v], types: 'f' })), expected);
    }),
    { numRuns: 500 },
  );
});

test('for all addresses and integers (in and out of int32), cached encoding equals encodeOscMessage or fails the same way', () => {
  const templates = new Map<string, Uint8Array>();
  fc.assert(
    fc.property(fc.constantFrom('/a', '/eqmorph/band/1/gain', '/x/{band}'), fc.oneof(fc.integer(), fc.double()), (a, v) => {
      const expected = bytesOf(() => encodeOscMessage(a, [v], 'i'));
      assert.deepEqual(bytesOf(() => encodeCached(templates, { address: a, args: [v], types: 'i' })), expected);
    }),
    { numRuns: 500 },
  );
});

test('messages that are not one number (strings, several or no arguments, default tags) are packed in full, unchanged', () => {
  const templates = new Map<string, Uint8Array>();
  for (const msg of [
    { address: '/t', args: ['warm'], types: 's' },
    { address: '/t', args: [1, 2], types: 'ff' },
    { address: '/t', args: [] },
    { address: '/t', args: [0.5] },
  ]) {
    assert.deepEqual(Array.from(encodeCached(templates, msg)), Array.from(encodeOscMessage(msg.address, msg.args, msg.types)));
  }
  assert.equal(templates.size, 0);
});

test('a bad address fails with encodeOscMessage’s own message, and is not cached', () => {
  const templates = new Map<string, Uint8Array>();
  assert.throws(() => encodeCached(templates, { address: 'no-slash', args: [1], types: 'f' }), /must start with/);
  assert.equal(templates.size, 0);
});
