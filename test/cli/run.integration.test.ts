import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { encodeOscMessage, type OscMessage } from '../../src/transports/osc-packet.js';
import { startCaughtRun, type CaughtRun } from '../support/caught-run.js';
import { until } from '../support/until.js';

// A running bridge with the default mapping, its OSC input on a free port and its output aimed at our receiver.
let bridge: CaughtRun;
let run: CaughtRun['run'];
let received: OscMessage[];
let log: string[];

before(async () => {
  bridge = await startCaughtRun();
  ({ run, received, log } = bridge);
});

after(() => bridge.stop());

function send(address: string, args: (number | string)[] = [], types?: string) {
  void bridge.send(encodeOscMessage(address, args, types));
}

/** Waits until `n` messages have arrived since `from`, or fails after a generous bound. */
async function waitFor(from: number, n: number, ms = 15_000): Promise<OscMessage[]> {
  const start = Date.now();
  while (received.length - from < n) {
    if (Date.now() - start > ms) assert.fail(`expected ${n} messages, got ${received.length - from}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  await new Promise((r) => setTimeout(r, 50));
  return received.slice(from);
}

const value = (msgs: OscMessage[], address: string) => msgs.filter((m) => m.address === address).at(-1)?.args[0] as number | undefined;

test('startup prints the model, every endpoint, and that MIDI is unavailable or available', () => {
  assert.ok(log.some((l) => /model .*warm/.test(l)));
  assert.ok(log.some((l) => /in {2}surface: OSC udp 127\.0\.0\.1:/.test(l)));
  assert.ok(log.some((l) => /out eq: OSC udp 127\.0\.0\.1:/.test(l)));
  assert.ok(log.some((l) => /MIDI (un)?available/.test(l)));
});

test('a dump resends all 15 band parameters', async () => {
  const from = received.length;
  send('/eqmorph/dump');
  const msgs = await waitFor(from, 15);
  const addrs = new Set(msgs.map((m) => m.address));
  for (let n = 1; n <= 5; n++) for (const p of ['gain', 'freq', 'q']) assert.ok(addrs.has(`/eqmorph/band/${n}/${p}`), `${n}/${p}`);
});

test('moving alpha sends the bands that changed, and the destination then holds the direct decoding in every band', async () => {
  const alphaBefore = run.bridge().state().get('main')!.alpha;
  const from = received.length;
  send('/eqmorph/alpha', [0.5], 'f');
  const msgs = await waitFor(from, 1);
  const direct = run.decoder.decode('warm', 'bright', 0.5); // the bridge keeps the decoder's band order
  const previous = run.decoder.decode('warm', 'bright', alphaBefore);
  const moved = direct.map((band, k) => Math.abs(band.gain - previous[k]!.gain) > 0.05);
  assert.ok(moved.some((m) => m), `alpha ${alphaBefore} -> 0.5 moves some band`);
  await until('every moved band sent', () => moved.every((m, k) => !m || value(received.slice(from), `/eqmorph/band/${k + 1}/gain`) !== undefined), 15_000);
  // received since start holds the start snapshot, the dump and every change: the destination's current state
  for (let n = 1; n <= 5; n++) {
    const g = value(received, `/eqmorph/band/${n}/gain`);
    assert.ok(g !== undefined && Math.abs(g - direct[n - 1]!.gain) < 0.05, `band ${n} gain ${g} vs ${direct[n - 1]!.gain}`);
  }
  assert.ok(msgs.length > 0);
  assert.equal(run.bridge().state().get('main')!.alpha, 0.5);
});

test('malformed input, unknown addresses and unknown terms are dropped and counted, and the bridge keeps answering', async () => {
  const before = run.bridge().counters();
  void bridge.send(Uint8Array.from([1, 2, 3, 4, 5]));
  send('/eqmorph/nope', [1], 'i');
  send('/eqmorph/alpha', ['loud'], 's');
  send('/eqmorph/termA', ['xyzzy'], 's'); // no dataset's word (fuzzy became one with SocialEQ)
  const from = received.length;
  send('/eqmorph/alpha', [0.9], 'f');
  await waitFor(from, 1);
  const after = run.bridge().counters();
  assert.equal(after.unknownAddress - before.unknownAddress, 1);
  assert.equal(after.badArgument - before.badArgument, 1);
  assert.equal(after.rejected - before.rejected, 1);
  assert.equal(run.bridge().state().get('main')!.termA, 'warm');
  assert.ok(Math.abs(run.bridge().state().get('main')!.alpha - 0.9) < 1e-6); // OSC floats are float32
});

test('a term sent as an inflection switches the pair, and strength 0 flattens every gain', async () => {
  send('/eqmorph/termB', ['Clearer'], 's');
  let from = received.length;
  send('/eqmorph/strength', [0], 'f');
  await waitFor(from, 1);
  assert.equal(run.bridge().state().get('main')!.termB, 'clear');
  from = received.length;
  send('/eqmorph/dump');
  const msgs = await waitFor(from, 15);
  for (let n = 1; n <= 5; n++) assert.equal(value(msgs, `/eqmorph/band/${n}/gain`), 0);
});
