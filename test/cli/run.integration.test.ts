import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, test } from 'node:test';
import { startRun, DEFAULT_MAPPING } from '../../src/cli/run.js';
import { decodeOscPacket, encodeOscMessage, type OscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';

// A running bridge with the default mapping, its OSC input on a free port and its output aimed at our receiver.
let run: Awaited<ReturnType<typeof startRun>>;
let rx: dgram.Socket;
let tx: dgram.Socket;
let inPort = 0;
const received: OscMessage[] = [];
const log: string[] = [];

before(async () => {
  rx = dgram.createSocket('udp4');
  rx.on('message', (buf) => {
    const r = decodeOscPacket(new Uint8Array(buf));
    if (r.ok) received.push(...r.messages);
  });
  await new Promise<void>((res) => rx.bind(0, '127.0.0.1', res));
  tx = dgram.createSocket('udp4');
  run = await startRun(
    { mapping: DEFAULT_MAPPING, oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port: rx.address().port } },
    (line) => log.push(line),
  );
  inPort = (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port;
});

after(async () => {
  await run.stop();
  rx.close();
  tx.close();
});

function send(address: string, args: (number | string)[] = [], types?: string) {
  tx.send(Buffer.from(encodeOscMessage(address, args, types)), inPort, '127.0.0.1');
}

/** Waits until `n` messages have arrived since `from`, or fails after a generous bound. */
async function waitFor(from: number, n: number, ms = 3000): Promise<OscMessage[]> {
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

test('moving alpha sends the bands that changed, equal to decoding the model directly', async () => {
  const from = received.length;
  send('/eqmorph/alpha', [0.5], 'f');
  const msgs = await waitFor(from, 1);
  const direct = run.decoder.model.decode('warm', 'bright', 0.5, { sorted: false }); // the bridge keeps the decoder's band order
  for (let n = 1; n <= 5; n++) {
    const g = value(msgs, `/eqmorph/band/${n}/gain`);
    if (g !== undefined) assert.ok(Math.abs(g - direct[n - 1]!.gain) < 0.05, `band ${n} gain ${g} vs ${direct[n - 1]!.gain}`);
  }
  assert.equal(run.bridge().state().get('main')!.alpha, 0.5);
});

test('malformed input, unknown addresses and unknown terms are dropped and counted, and the bridge keeps answering', async () => {
  const before = run.bridge().counters();
  tx.send(Buffer.from([1, 2, 3, 4, 5]), inPort, '127.0.0.1');
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
