// Specifications of the MIDI transport over the fake backend (port choice, loss and return, failing sends) and of loading the real one.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { firstValueFrom, VirtualTimeScheduler } from 'rxjs';
import { TransportError, TransportUnavailableError } from '../../src/transports/errors.js';
import { createFakeMidiBackend, type FakeMidiBackend } from '../../src/transports/midi-fake.js';
import {
  listMidiPorts,
  loadMidiBackend,
  MidiTransport,
  portPattern,
  reconnectDelayMs,
  selectPort,
  type MidiBackend,
  type MidiInMessage,
  type MidiOutMessage,
  type MidiTransportOptions,
} from '../../src/transports/midi.js';
import type { TransportStatus } from '../../src/transports/transport.js';
import { first, transportContract } from './contract.js';

const NANO = 'nanoKONTROL2:nanoKONTROL2 MIDI 1 20:0';
const OTHER = 'Midi Through:Midi Through Port-0 14:0';

/** Moves virtual time forward by `ms`, running everything due on the way. */
function advance(scheduler: VirtualTimeScheduler, ms: number): void {
  const target = scheduler.frame + ms;
  scheduler.maxFrames = target;
  scheduler.flush();
  scheduler.frame = target;
}

function status(t: MidiTransport): Promise<TransportStatus> {
  return firstValueFrom(t.status$);
}

function rig(options: Partial<MidiTransportOptions> = {}, ports: string[] = [OTHER, NANO]): { fake: FakeMidiBackend; scheduler: VirtualTimeScheduler; t: MidiTransport } {
  const fake = createFakeMidiBackend(ports);
  const scheduler = new VirtualTimeScheduler();
  const t = new MidiTransport({ name: 'surface', input: { name: NANO }, output: { name: NANO }, backend: fake, scheduler, ...options });
  return { fake, scheduler, t };
}

transportContract<MidiInMessage, MidiOutMessage>('midi (fake backend)', async () => {
  const fake = createFakeMidiBackend([OTHER, { name: 'Loop', loopback: true }]);
  const t = new MidiTransport({ input: { name: 'Loop' }, output: { name: 'Loop' }, backend: fake, scheduler: new VirtualTimeScheduler() });
  return {
    transport: t,
    sample: (n) => [0xb0, n, 100 - n],
    isEcho: (m, n) => m.port === 'Loop' && m.bytes.length === 3 && m.bytes[0] === 0xb0 && m.bytes[1] === n && m.bytes[2] === 100 - n,
    dispose: () => t.close(),
  };
});

test('midi: a port chosen by exact name receives only from that port and sends only to it', async () => {
  const { fake, t } = rig();
  await t.open();
  const got: MidiInMessage[] = [];
  t.messages$.subscribe((m) => got.push(m));
  fake.emit(OTHER, [0x90, 60, 1]);
  fake.emit(NANO, [0xb0, 0, 64], 0.01);
  assert.deepEqual(got.map((m) => [m.port, m.bytes, m.deltaTime]), [[NANO, [0xb0, 0, 64], 0.01]]);
  t.send([0xb0, 1, 2]);
  assert.deepEqual(fake.sent(NANO), [[0xb0, 1, 2]]);
  assert.deepEqual(fake.sent(OTHER), []);
  await t.close();
});

for (const pattern of ['nanoKONTROL2*', '*MIDI 1*', '/nanokontrol\\d/i', /KONTROL2 MIDI/]) {
  test(`midi: a port chosen by pattern ${String(pattern)} opens the matching port`, async () => {
    const { fake, t } = rig({ input: { pattern }, output: undefined });
    await t.open();
    assert.equal((await status(t)).state, 'open');
    assert.ok(fake.isOpen(NANO, 'input'));
    assert.ok(!fake.isOpen(OTHER, 'input'));
    await t.close();
  });
}

test('midi: a wildcard pattern matches the whole name, and regex specials in it are literal', () => {
  assert.equal(selectPort({ pattern: 'nano*' }, ['a nanoKONTROL', 'nanoKONTROL']), 'nanoKONTROL');
  assert.equal(selectPort({ pattern: 'KONTROL' }, [NANO]), undefined);
  assert.equal(selectPort({ pattern: 'Port (1)*' }, ['Port (1) x', 'Port 1 x']), 'Port (1) x');
  assert.equal(portPattern('/abc/i').flags, 'i');
  assert.equal(selectPort({ name: 'x' }, ['X', 'x']), 'x');
});

test('midi: an absent port gives status error with a sentence, and is opened when it appears', async () => {
  const { fake, scheduler, t } = rig({}, [OTHER]);
  await t.open();
  const s = await status(t);
  assert.equal(s.state, 'error');
  assert.match(s.detail ?? '', /^MIDI input "nanoKONTROL2.*" not found \(available: "Midi Through.*"\); waiting for it to appear\.$/);
  advance(scheduler, 500);
  assert.equal((await status(t)).state, 'error');
  fake.addPort(NANO);
  advance(scheduler, 1000);
  assert.equal((await status(t)).state, 'open');
  assert.equal(t.counters().reconnects, 1);
  const got = first(t.messages$, () => true);
  fake.emit(NANO, [0xb0, 7, 7]);
  assert.deepEqual((await got).bytes, [0xb0, 7, 7]);
  await t.close();
});

test('midi: reopen attempts back off from 0.5 s, doubling, to at most 8 s', async () => {
  const fake = createFakeMidiBackend([]);
  const attempts: number[] = [];
  const scheduler = new VirtualTimeScheduler();
  // Every connect attempt lists the ports once; record when.
  const spying: MidiBackend = {
    createInput: () => {
      const port = fake.createInput();
      const count = port.getPortCount.bind(port);
      port.getPortCount = () => {
        attempts.push(scheduler.frame);
        return count();
      };
      return port;
    },
    createOutput: () => fake.createOutput(),
  };
  const t = new MidiTransport({ input: { name: NANO }, backend: spying, scheduler });
  await t.open();
  for (let i = 0; i < 40; i += 1) advance(scheduler, 1000);
  const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
  assert.deepEqual(gaps.slice(0, 7), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  assert.deepEqual([1, 2, 3, 4, 5, 6, 20].map((n) => reconnectDelayMs(n, 500, 8000)), [500, 1000, 2000, 4000, 8000, 8000, 8000]);
  await t.close();
});

test('midi: a port that vanishes while open gives status error, and is reopened when it returns', async () => {
  const { fake, scheduler, t } = rig({ pollIntervalMs: 1000 });
  await t.open();
  const got: MidiInMessage[] = [];
  t.messages$.subscribe((m) => got.push(m));
  fake.removePort(NANO);
  advance(scheduler, 1000);
  const s = await status(t);
  assert.equal(s.state, 'error');
  assert.match(s.detail ?? '', /disappeared; waiting for it to return\.$/);
  assert.equal(t.counters().errors, 1);
  t.send([0xb0, 0, 0]);
  assert.equal(t.counters().dropped, 1);
  fake.addPort(NANO);
  advance(scheduler, 500);
  assert.equal((await status(t)).state, 'open');
  assert.equal(t.counters().reconnects, 1);
  fake.emit(NANO, [0xb0, 1, 1]);
  t.send([0xb0, 2, 2]);
  assert.deepEqual(got.map((m) => m.bytes), [[0xb0, 1, 1]]);
  assert.deepEqual(fake.sent(NANO), [[0xb0, 2, 2]]);
  // And again: the backoff starts over after a successful reopen.
  fake.removePort(NANO);
  advance(scheduler, 1000);
  fake.addPort(NANO);
  advance(scheduler, 500);
  assert.equal((await status(t)).state, 'open');
  assert.equal(t.counters().reconnects, 2);
  await t.close();
});

test('midi: a throwing sendMessage is a counted error with a sentence, and the transport keeps working', async () => {
  const { fake, t } = rig();
  await t.open();
  fake.failSends('ALSA: device busy');
  assert.doesNotThrow(() => t.send([0xb0, 0, 1]));
  await assert.rejects(t.sendAsync([0xb0, 0, 2]), TransportError);
  assert.equal(t.counters().errors, 2);
  const s = await status(t);
  assert.equal(s.state, 'error');
  assert.equal(s.detail, `MIDI output "${NANO}": sending failed (ALSA: device busy).`);
  fake.failSends(null);
  await t.sendAsync([0xb0, 0, 3]);
  assert.equal((await status(t)).state, 'open');
  assert.deepEqual(fake.sent(NANO), [[0xb0, 0, 3]]);
  assert.equal(t.counters().out, 1);
  await t.close();
});

test('midi: bytes that are not a MIDI message are dropped, not sent', async () => {
  const { fake, t } = rig();
  await t.open();
  await assert.rejects(t.sendAsync([]), TransportError);
  await assert.rejects(t.sendAsync([0xb0, 256, 0]), TransportError);
  assert.deepEqual([t.counters().dropped, t.counters().errors], [2, 0]);
  assert.deepEqual(fake.sent(NANO), []);
  await t.close();
});

test('midi: timing clock and active sensing are ignored by default, sysex is kept', async () => {
  const { fake, t } = rig();
  await t.open();
  const got: number[][] = [];
  t.messages$.subscribe((m) => got.push(m.bytes));
  fake.emit(NANO, [0xf8]);
  fake.emit(NANO, [0xfe]);
  fake.emit(NANO, [0xf0, 0x7e, 0xf7]);
  assert.deepEqual(got, [[0xf0, 0x7e, 0xf7]]);
  await t.close();
});

test('midi: a virtual port is created under its name and needs no polling', async () => {
  const { fake, scheduler, t } = rig({ input: { virtual: 'eqmorph in' }, output: { virtual: 'eqmorph out' } }, []);
  await t.open();
  assert.equal((await status(t)).state, 'open');
  t.send([0xb0, 5, 5]);
  assert.deepEqual(fake.sent('eqmorph out'), [[0xb0, 5, 5]]);
  const got = first(t.messages$, () => true);
  fake.emit('eqmorph in', [0x90, 1, 1]);
  assert.deepEqual((await got).bytes, [0x90, 1, 1]);
  advance(scheduler, 10_000);
  assert.equal((await status(t)).state, 'open');
  await t.close();
});

test('midi: close closes and destroys the port objects, and messages stop', async () => {
  const { fake, t } = rig();
  await t.open();
  await t.close();
  assert.equal(fake.liveObjects(), 0);
  assert.ok(!fake.isOpen(NANO, 'input'));
  assert.equal(fake.emit(NANO, [0xb0, 0, 0]), 0);
  assert.equal(t.counters().in, 0);
});

test('midi: listMidiPorts lists the inputs and outputs of a backend', () => {
  const fake = createFakeMidiBackend([OTHER, { name: 'Out only', input: false }]);
  assert.deepEqual(listMidiPorts(fake), { ok: true, inputs: [OTHER], outputs: [OTHER, 'Out only'] });
  assert.equal(fake.liveObjects(), 0);
});

const noSeq = process.platform === 'linux' && !existsSync('/dev/snd/seq');

test('midi: loadMidiBackend never throws, and explains a failure in one line', () => {
  const loaded = loadMidiBackend();
  if (!loaded.ok) {
    assert.equal(typeof loaded.reason, 'string');
    assert.ok(loaded.reason.length > 0);
    assert.ok(!loaded.reason.includes('\n'));
  }
  if (noSeq) {
    assert.equal(loaded.ok, false);
    assert.match(loaded.ok ? '' : loaded.reason, /ALSA sequencer/);
  }
  const listed = listMidiPorts();
  assert.equal(listed.ok, loaded.ok);
});

test('midi: without a usable MIDI library, open() rejects, the status is unavailable, and sends are dropped', { skip: noSeq ? false : 'MIDI is available here' }, async () => {
  const t = new MidiTransport({ name: 'real', output: { name: 'anything' } });
  await assert.rejects(t.open(), TransportUnavailableError);
  const s = await status(t);
  assert.equal(s.state, 'unavailable');
  assert.match(s.detail ?? '', /ALSA sequencer/);
  assert.doesNotThrow(() => t.send([0xb0, 0, 0]));
  assert.equal(t.counters().dropped, 1);
  await t.close();
});

const realSkip = process.platform !== 'linux' ? 'real MIDI ports are only tested on Linux' : noSeq ? 'no ALSA sequencer (/dev/snd/seq missing) on this machine' : false;
if (realSkip) console.log(`# midi real-port test skipped: ${realSkip}`);
test('midi: a real virtual output is seen by a real input and carries a message', { skip: realSkip }, async () => {
  const loaded = loadMidiBackend();
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
  const name = `eqmorph-test-${process.pid}`;
  const out = new MidiTransport({ output: { virtual: name }, backend: loaded.backend });
  await out.open();
  const inp = new MidiTransport({ input: { pattern: `*${name}*` }, backend: loaded.backend });
  try {
    await inp.open();
    assert.equal((await status(inp)).state, 'open');
    const got = first(inp.messages$, () => true, 3000);
    out.send([0xb0, 20, 99]);
    assert.deepEqual((await got).bytes, [0xb0, 20, 99]);
  } finally {
    await inp.close();
    await out.close();
  }
});
