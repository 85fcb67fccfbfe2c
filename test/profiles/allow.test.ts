import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { allowChecker, parseAllowEntry, type AllowEntry } from '../../src/profiles/allow.js';

const entries = (...texts: string[]) => texts.map((t) => parseAllowEntry(t) as AllowEntry);

test('addresses and CIDR ranges are read; host names, bad prefixes and junk are refused with a sentence', () => {
  assert.deepEqual(parseAllowEntry('192.168.1.20'), { address: '192.168.1.20', prefix: 32, family: 'ipv4' });
  assert.deepEqual(parseAllowEntry('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
  assert.deepEqual(parseAllowEntry('fd00::/8'), { address: 'fd00::', prefix: 8, family: 'ipv6' });
  for (const bad of ['mixer.local', '10.0.0.0/33', '10.0.0.0/x', '1.2.3.4/8/9', '', '::1/129']) assert.ok('error' in parseAllowEntry(bad), bad);
});

test('a source is allowed when an entry covers it, an IPv4 sender seen through IPv6 included', () => {
  const ok = allowChecker(entries('192.168.1.0/24', '127.0.0.1', '::1'));
  for (const a of ['192.168.1.1', '192.168.1.254', '127.0.0.1', '::1', '::ffff:192.168.1.9']) assert.ok(ok(a), a);
  for (const a of ['192.168.2.1', '127.0.0.2', '10.0.0.1', '::2', 'not an address']) assert.ok(!ok(a), a);
});

test('for all IPv4 addresses and prefixes: the check agrees with comparing the top prefix bits', () => {
  const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  fc.assert(
    fc.property(ip, ip, fc.integer({ min: 0, max: 32 }), (net, src, prefix) => {
      const n = (q: number[]) => ((q[0]! << 24) | (q[1]! << 16) | (q[2]! << 8) | q[3]!) >>> 0;
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      const expected = (n(net) & mask) === (n(src) & mask);
      assert.equal(allowChecker(entries(`${net.join('.')}/${prefix}`))(src.join('.')), expected);
    }),
    { numRuns: 300 },
  );
});
