import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_MAPPING } from '../../src/cli/run.js';
import { PACKAGE_ROOT } from '../../src/data/paths.js';
import type { EqSettings } from '../../src/eq/bands.js';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import { alphaMoves, rehearsalMapping, rehearse } from '../../src/pipeline/rehearse.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { Mapping } from '../../src/profiles/types.js';
import { decodeOscPacket } from '../../src/transports/osc-packet.js';

// Band n's gain is alpha * n dB: every move changes the five gains (and nothing else).
const decoder: MorphDecoder = {
  terms: ['warm', 'bright'],
  hasTerm: (t) => t === 'warm' || t === 'bright',
  decode: (_a, _b, alpha) => {
    const types = ['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf'] as const;
    return types.map((type, i) => ({ type, gain: alpha * (i + 1), freq: 100 * 4 ** i, q: 0.71 })) as unknown as EqSettings;
  },
};

/** The mapping with its output aimed at `port`, to watch that a rehearsal sends nothing there. */
function withOutputAt(mapping: Mapping, port: number): Mapping {
  const outputs = new Map([...mapping.outputs].map(([name, o]) => [name, { ...o, connection: { transport: 'osc' as const, send: { host: '127.0.0.1', port } } }]));
  return { ...mapping, outputs };
}

test('the default mapping rehearses its alpha fader as OSC datagrams that decode to values across its range', async () => {
  const moves = alphaMoves(await loadMapping(DEFAULT_MAPPING));
  assert.equal(moves.length, 1);
  const move = moves[0]!;
  assert.equal(move.kind, 'osc');
  if (move.kind !== 'osc') return;
  assert.equal(move.input, 'surface');
  for (const u of [0, 0.25, 1]) {
    const r = decodeOscPacket(move.packet(u));
    assert.ok(r.ok);
    assert.equal(r.messages[0]!.address, '/eqmorph/alpha');
    assert.ok(Math.abs(Number(r.messages[0]!.args[0]) - u) < 1e-6);
  }
});

test('a MIDI fader bound to alpha is rehearsed as an injected event of its own kind (7-bit steps)', async () => {
  const mapping = await loadMapping(join(PACKAGE_ROOT, 'mappings', 'korg-nanokontrol2.yaml'));
  const move = alphaMoves(mapping).find((m) => m.kind === 'inject');
  assert.ok(move && move.kind === 'inject');
  const e = move.event(0.5);
  assert.equal(e.input, 'surface');
  assert.equal(e.control, 'fader1');
  assert.deepEqual(e.value, { kind: 'discrete', step: 64, max: 127 });
});

test('a rehearsal plays every move as a frame through its own sockets and sends nothing to the mapping\'s output', async () => {
  const watch = dgram.createSocket('udp4');
  let leaked = 0;
  watch.on('message', () => leaked++);
  await new Promise<void>((r) => watch.bind(0, '127.0.0.1', r));
  try {
    const mapping = withOutputAt(await loadMapping(DEFAULT_MAPPING), watch.address().port);
    const r = await rehearse({ mapping, decoder, moves: 40, rounds: 1 });
    assert.equal(r.moves, 40);
    // No start snapshot: the first move sends all 15 parameters, then each move the 5 gains this decoder changes, once
    // per move: no two moves shared a frame.
    assert.equal(r.sent, 15 + 39 * 5);
    // In two rounds, two bridges: each sends everything on its first move, and the moves are shared between them.
    const two = await rehearse({ mapping, decoder, moves: 40, rounds: 2 });
    assert.equal(two.moves, 40);
    assert.equal(two.sent, 2 * (15 + 19 * 5));
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(leaked, 0);
  } finally {
    watch.close();
  }
});

test('no rehearsal when asked for none or when nothing is bound to alpha', async () => {
  const mapping = await loadMapping(DEFAULT_MAPPING);
  assert.equal((await rehearse({ mapping, decoder, moves: 0 })).moves, 0);
  const noAlpha: Mapping = { ...mapping, instances: mapping.instances.map((i) => ({ ...i, bindings: i.bindings.filter((b) => b.target !== 'alpha') })) };
  assert.deepEqual(alphaMoves(noAlpha), []);
  assert.equal((await rehearse({ mapping: noAlpha, decoder, moves: 100 })).moves, 0);
});

test('a desk rehearses one channel of each kind: eight X32 channels on one controller are one, another output or input is another', async () => {
  const desk = await loadMapping(join(PACKAGE_ROOT, 'mappings', 'nanokontrol2-x32.yaml'));
  assert.equal(desk.instances.length, 8);
  assert.deepEqual(rehearsalMapping(desk).instances.map((i) => i.name), ['ch1']);
  // A second output, and a channel whose alpha comes from another input, are kinds of their own.
  const [first, second, third] = desk.instances;
  const other = { ...desk, outputs: new Map([...desk.outputs, ['bus', desk.outputs.get(first!.output)!]]), instances: [first!, { ...second!, output: 'bus' }, { ...third!, bindings: third!.bindings.map((b) => (b.target === 'alpha' ? { ...b, source: { ...b.source, input: 'page' } } : b)) }] };
  assert.deepEqual(rehearsalMapping(other).instances.map((i) => i.name), [first!.name, second!.name, third!.name]);
  // One instance of each kind already: the mapping as it is.
  const single = await loadMapping(DEFAULT_MAPPING);
  assert.equal(rehearsalMapping(single), single);
});

test('a rehearsal asks before every move whether the real bridge is being played, and ends there once it is', async () => {
  const mapping = await loadMapping(DEFAULT_MAPPING);
  let asks = 0;
  const r = await rehearse({ mapping, decoder, moves: 10, rounds: 1, endWhen: () => ++asks > 3 });
  // Three moves played ("not played" three times), then the fourth answer ends it.
  assert.equal(r.moves, 3);
  assert.equal(asks, 4);
  assert.equal((await rehearse({ mapping, decoder, moves: 10, rounds: 1, endWhen: () => false })).moves, 10);
});
