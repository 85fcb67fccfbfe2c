// Host:port parsing with defaults, MIDI port matchers, OSC address templates and did-you-mean suggestions.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_OSC_LISTEN, formatAddress, matchesPort, parseHostPort, parsePortMatcher } from '../../src/profiles/endpoints.js';
import { editDistance, suggest } from '../../src/profiles/suggest.js';

test('host:port fills the missing half from the defaults', () => {
  const d = DEFAULT_OSC_LISTEN;
  assert.deepEqual(parseHostPort('127.0.0.1:9000', d), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseHostPort('localhost', d), { host: 'localhost', port: d.port });
  assert.deepEqual(parseHostPort(':8000', d), { host: d.host, port: 8000 });
  assert.deepEqual(parseHostPort(8000, d), { host: d.host, port: 8000 });
  assert.deepEqual(parseHostPort('8000', d), { host: d.host, port: 8000 });
  assert.deepEqual(parseHostPort('[::1]:7000', d), { host: '::1', port: 7000 });
  assert.deepEqual(parseHostPort('::1', d), { host: '::1', port: d.port });
});

test('host:port refuses ports outside 1..65535 and junk hosts', () => {
  for (const bad of ['x:0', 'x:65536', 'x:abc', 'a b:1', '', 0, 70000]) assert.ok('error' in parseHostPort(bad, DEFAULT_OSC_LISTEN), String(bad));
});

test('every port 1..65535 round-trips through host:port', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), (port) => assert.deepEqual(parseHostPort(`10.0.0.2:${port}`, DEFAULT_OSC_LISTEN), { host: '10.0.0.2', port })));
});

test('MIDI port names are exact, glob or /regex/', () => {
  assert.deepEqual(parsePortMatcher('nanoKONTROL2'), { kind: 'exact', name: 'nanoKONTROL2' });
  const glob = parsePortMatcher('nano*2 ?');
  assert.ok(!('error' in glob) && matchesPort(glob, 'nanoKONTROL2 1') && !matchesPort(glob, 'xnano2 1'));
  const re = parsePortMatcher('/^loop(be)?/i');
  assert.ok(!('error' in re) && re.kind === 'regex' && matchesPort(re, 'LoopBe Internal'));
  assert.ok('error' in parsePortMatcher('/(/'));
});

test('address templates fill {band} and zero-padded {instance:02}', () => {
  assert.equal(formatAddress('/ch/{instance:02}/eq/{band}/g', { band: 3, instance: 7 }), '/ch/07/eq/3/g');
  assert.equal(formatAddress('/ch/{instance}/eq/{band}', { band: 2 }), '/ch/{instance}/eq/2');
});

test('suggestions are the close candidates, closest first', () => {
  assert.equal(editDistance('chanel', 'channel'), 1);
  assert.equal(editDistance('ab', 'ba'), 1);
  assert.deepEqual(suggest('chanel', ['channel', 'number', 'type']), ['channel']);
  assert.deepEqual(suggest('zzzz', ['channel', 'number']), []);
  assert.deepEqual(suggest('S_Curve', ['s-curve', 'linear']), ['s-curve']);
});
