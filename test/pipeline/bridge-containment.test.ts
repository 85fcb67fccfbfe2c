import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBridge, type Bridge } from '../../src/pipeline/bridge.js';
import { DEFAULT_MAPPING } from '../../src/cli/run.js';
import { loadMapping } from '../../src/profiles/load.js';
import { createMemoryLink, type MemoryTransport } from '../../src/transports/memory.js';
import type { OscInMessage, OscOutMessage } from '../../src/transports/osc-udp.js';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import type { EqSettings } from '../../src/eq/bands.js';

// The shipped default mapping (surface -> eq, instance main, alpha jump) over in-memory links, with a decoder whose
// answer is easy to check: band n's gain is alpha * n dB. It fails the way a broken model would, on a chosen alpha range.
function decoder(failWhen: (alpha: number) => boolean): MorphDecoder {
  return {
    terms: ['warm', 'bright', 'clear'],
    hasTerm: (t) => ['warm', 'bright', 'clear'].includes(t),
    decode: (_a, _b, alpha) => {
      if (failWhen(alpha)) throw new Error(`decoder exploded at ${alpha}`);
      const types = ['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf'] as const;
      return types.map((type, i) => ({ type, gain: alpha * (i + 1), freq: 100 * 4 ** i, q: 0.71 })) as unknown as EqSettings;
    },
  };
}

async function setup(failWhen: (alpha: number) => boolean = () => false) {
  const mapping = await loadMapping(DEFAULT_MAPPING);
  const input = createMemoryLink<OscInMessage, OscOutMessage>({ a: 'surface-device', b: 'surface' });
  const output = createMemoryLink<OscOutMessage, OscInMessage>({ a: 'eq', b: 'eq-device' });
  await Promise.all([input.a.open(), input.b.open(), output.a.open(), output.b.open()]);
  const received: OscOutMessage[] = [];
  output.b.messages$.subscribe((m) => received.push(m));
  const bridge = startBridge({ mapping, decoder: decoder(failWhen), oscInputs: new Map([['surface', input.b]]), oscOutputs: new Map([['eq', output.a]]) });
  const log: string[] = [];
  bridge.log$.subscribe((e) => log.push(e.text));
  const send = (address: string, args: OscInMessage['args'], types: string) => input.a.send({ address, args, types, from: { address: '127.0.0.1', port: 1 }, time: 0 });
  return { bridge, received, log, send, eqOut: output.a as MemoryTransport<OscInMessage, OscOutMessage> };
}

// Moves are encoded once per event-loop turn (the bridge's `audit` on setImmediate): a test waits one turn for them.
const turn = () => new Promise<void>((r) => setImmediate(r));

const gainOf = (msgs: OscOutMessage[], band: number) => msgs.filter((m) => m.address === `/eqmorph/band/${band}/gain`).at(-1)?.args?.[0] as number | undefined;

test('a decoder that throws drops only that event: counted, logged, and the next alpha is answered', async () => {
  const { bridge, received, log, send } = await setup((a) => a > 0.45 && a < 0.55);
  send('/eqmorph/alpha', [0.5], 'f');
  await turn();
  assert.equal(bridge.counters().errors, 1);
  assert.ok(log.some((l) => /decoder exploded.*dropped/.test(l)), log.join('\n'));
  const from = received.length;
  send('/eqmorph/alpha', [0.75], 'f');
  await turn();
  assert.equal(gainOf(received.slice(from), 5), 0.75 * 5);
  assert.equal(bridge.state().get('main')!.alpha, 0.75);
  bridge.stop();
});

test('a decoder that fails on every call never throws out of startBridge or a send, and counts each failure', async () => {
  const { bridge, received, send } = await setup(() => true);
  send('/eqmorph/alpha', [0.2], 'f');
  send('/eqmorph/dump', [], '');
  await turn();
  assert.equal(received.length, 0);
  assert.ok(bridge.counters().errors >= 3, String(bridge.counters().errors));
  bridge.stop();
});

test('unexpected injected events (unknown control, wrong value kind) do not stop the bridge', async () => {
  const { bridge, received, send } = await setup();
  bridge.inject({ input: 'nowhere', control: 'nothing', value: { kind: 'relative', delta: 3 }, raw: [], time: 0 });
  bridge.inject({ input: 'surface', control: 'alpha', value: { kind: 'text', value: 'loud' }, raw: [], time: 0 });
  bridge.inject({ input: 'surface', control: 'alpha', value: { kind: 'continuous', value: Number.NaN }, raw: [], time: 0 });
  const from = received.length;
  send('/eqmorph/alpha', [0.25], 'f');
  await turn();
  assert.equal(gainOf(received.slice(from), 2), 0.5);
  bridge.stop();
});

test('a flood of unknown addresses is counted in full and logged a bounded number of times', async () => {
  const { bridge, log, send } = await setup();
  for (let i = 0; i < 500; i++) send(`/flood/${i % 50}`, [1], 'i');
  for (let i = 0; i < 500; i++) send('/eqmorph/nope', [1], 'i');
  assert.equal(bridge.counters().unknownAddress, 1000);
  const lines = log.filter((l) => /unknown OSC address/.test(l));
  assert.ok(lines.length >= 1 && lines.length <= 40, `${lines.length} lines`);
  bridge.stop();
});

test('an output that recovers from an error gets a full snapshot again', async () => {
  const { bridge, received, send, eqOut } = await setup();
  eqOut.failSends('the mixer went away');
  send('/eqmorph/alpha', [0.5], 'f');
  await turn();
  const from = received.length;
  eqOut.failSends(null);
  await turn();
  const resent = received.slice(from);
  assert.equal(bridge.counters().resyncs, 1);
  assert.equal(new Set(resent.map((m) => m.address)).size, 15);
  assert.equal(gainOf(resent, 3), 1.5);
  bridge.stop();
});

test("finish('flat') sends every gain 0 dB and keeps frequencies; finish('hold') sends nothing", async () => {
  const { bridge, received, send } = await setup();
  send('/eqmorph/alpha', [1], 'f');
  await turn();
  let from = received.length;
  await bridge.finish('hold');
  assert.equal(received.length, from);
  from = received.length;
  await bridge.finish('flat');
  const flat = received.slice(from);
  for (let n = 1; n <= 5; n++) {
    assert.equal(gainOf(flat, n), 0);
    assert.equal(flat.find((m) => m.address === `/eqmorph/band/${n}/freq`)?.args?.[0], 100 * 4 ** (n - 1));
  }
  bridge.stop();
});
