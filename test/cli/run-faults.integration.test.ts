import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../src/cli/run.js';
import { healthLines } from '../../src/pipeline/health.js';
import { createFakeMidiBackend } from '../../src/transports/midi-fake.js';
import { encodeOscMessage, type OscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';
import { oscReceiver } from '../support/caught-run.js';
import { until } from '../support/until.js';

// Devices that fail and come back, end to end through startRun: MIDI through an injected port object, OSC over real UDP.

const OSC_SURFACE = resolve('firmware-profiles/controllers/eqmorph-osc.yaml');
const OSC_EQ = resolve('firmware-profiles/targets/eqmorph-osc.yaml');
const MIDI_EQ = resolve('firmware-profiles/targets/generic-midi-cc.yaml');
const MIDI_SURFACE = resolve('test/profiles/fixtures/controllers/midi-surface.yaml');
const FAST_MIDI = { pollIntervalMs: 20, backoffInitialMs: 20, backoffMaxMs: 40 };
/** OSC alpha in, one MIDI EQ out on port "EQ Out". */
const OSC_TO_MIDI = `version: 1
kind: mapping
name: osc to midi
inputs:
  surface: { profile: ${OSC_SURFACE}, osc: { listen: 127.0.0.1:19001 } }
outputs:
  eq: { profile: ${MIDI_EQ}, midi: { port: EQ Out } }
instances:
  - { name: main, output: eq, initial: { term_a: warm, term_b: bright }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }
`;

function mappingFile(yaml: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-faults-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(file, yaml);
  return { file, cleanup: () => rmSync(dir, { recursive: true }) };
}

const gain = (msgs: OscMessage[], n: number) => msgs.filter((m) => m.address === `/eqmorph/band/${n}/gain`).at(-1)?.args[0] as number | undefined;

test('a MIDI output port that vanishes is reported, retried and reopened by name, and then gets the whole current EQ', async () => {
  const { file, cleanup } = mappingFile(OSC_TO_MIDI);
  const backend = createFakeMidiBackend(['EQ Out']);
  const log: string[] = [];
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 }, midiBackend: backend, midiTiming: FAST_MIDI }, (l) => log.push(l));
  try {
    await until('the start snapshot', () => backend.sent('EQ Out').length > 0, 15_000);
    backend.removePort('EQ Out');
    await until('the loss on stdout', () => log.some((l) => /out eq: error — .*EQ Out.*disappeared/.test(l)), 15_000);
    run.bridge().inject({ input: 'surface', control: 'alpha', value: { kind: 'continuous', value: 1 }, raw: [], time: 0 });
    backend.clearSent();
    backend.addPort('EQ Out');
    await until('the return on stdout', () => log.some((l) => /out eq: open$/.test(l)), 15_000);
    await until('a full snapshot to the returned port', () => backend.sent('EQ Out').length >= 13, 15_000);
    const health = run.health().transports.find((t) => t.name === 'eq')!;
    assert.equal(health.status.state, 'open');
    assert.equal(health.counters.reconnects, 1);
    assert.equal(run.bridge().counters().resyncs, 1);
    // The snapshot carries the alpha set while the port was gone.
    const bands = run.decoder.decode('warm', 'bright', 1);
    const cc = new Map(backend.sent('EQ Out').map((m) => [m[1]!, m[2]!]));
    bands.forEach((b, i) => assert.ok(Math.abs(cc.get(20 + i)! - Math.round(((b.gain + 12) / 24) * 127)) <= 1, `band ${i + 1}`));
  } finally {
    await run.stop();
    cleanup();
  }
});

test('a MIDI port object whose sends fail is reported, and recovers on the next good send', async () => {
  const { file, cleanup } = mappingFile(OSC_TO_MIDI);
  const backend = createFakeMidiBackend(['EQ Out']);
  const log: string[] = [];
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 }, midiBackend: backend, midiTiming: FAST_MIDI }, (l) => log.push(l));
  const alpha = (value: number) => run.bridge().inject({ input: 'surface', control: 'alpha', value: { kind: 'continuous', value }, raw: [], time: 0 });
  try {
    await until('the start snapshot', () => backend.sent('EQ Out').length > 0, 15_000);
    backend.failSends('USB transfer failed');
    alpha(0.5);
    await until('the failure on stdout', () => log.some((l) => /out eq: error — .*USB transfer failed/.test(l)), 15_000);
    assert.ok(run.health().transports.find((t) => t.name === 'eq')!.counters.errors > 0);
    backend.failSends(null);
    alpha(0.9);
    await until('the recovery on stdout', () => log.some((l) => /out eq: open$/.test(l)), 15_000);
    await until('a resync after recovery', () => run.bridge().counters().resyncs === 1, 15_000);
  } finally {
    await run.stop();
    cleanup();
  }
});

test('a MIDI input full of SysEx, clock bytes, half pairs and foreign channels still drives alpha exactly', async () => {
  const { file, cleanup } = mappingFile(`version: 1
kind: mapping
name: midi in
inputs:
  nano: { profile: ${MIDI_SURFACE}, midi: { port: 'nano*' } }
outputs:
  eq: { profile: ${OSC_EQ}, osc: { send: 127.0.0.1:9 } }
instances:
  - { name: main, output: eq, initial: { term_a: warm, term_b: bright }, bindings: [{ source: nano.fine, target: alpha, takeover: jump }] }
`);
  const backend = createFakeMidiBackend(['nano 1']);
  // A fixed arrival clock: a loaded machine must not make the LSB look stale (the 20 ms window is tested in the decoder).
  const run = await startRun({ mapping: file, midiBackend: backend, oscOut: { host: '127.0.0.1', port: 9 }, midiTiming: { now: () => 0 } }, () => {});
  try {
    const v = 9000;
    backend.emit('nano 1', [0xf0, ...new Array(4000).fill(0x11), 0xf7]);
    backend.emit('nano 1', [0xb0, 7]); // half a message
    backend.emit('nano 1', [0xb0, 0xf8, 3]); // a clock byte inside
    backend.emit('nano 1', [0xb5, 7, 127]); // a channel nobody listens to
    backend.emit('nano 1', [0xb0, 7, v >> 7]);
    backend.emit('nano 1', [0xf0, 1, 2]); // a SysEx cut off, between MSB and LSB
    backend.emit('nano 1', [0xb0, 39, v & 127]);
    const s = run.bridge().state().get('main')!;
    assert.ok(Math.abs(s.alpha - v / 16383) < 1e-9, String(s.alpha));
    assert.equal(run.bridge().counters().malformed, 3);
  } finally {
    await run.stop();
    cleanup();
  }
});

test('an OSC output that refuses every send is reported and retried, and does not hold back the other output', async () => {
  const rx = await oscReceiver();
  const { file, cleanup } = mappingFile(`version: 1
kind: mapping
name: two outputs
inputs:
  surface: { profile: ${OSC_SURFACE}, osc: { listen: 127.0.0.1:19001 } }
outputs:
  bad: { profile: ${OSC_EQ}, osc: { send: 255.255.255.255:9 } }
  good: { profile: ${OSC_EQ}, osc: { send: 127.0.0.1:${rx.port} } }
instances:
  - { name: one, output: bad, initial: { term_a: warm, term_b: bright }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }
  - { name: two, output: good, initial: { term_a: warm, term_b: bright }, bindings: [{ source: surface.alpha, target: alpha, takeover: jump }] }
`);
  const log: string[] = [];
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 } }, (l) => log.push(l));
  const tx = dgram.createSocket('udp4');
  try {
    const inPort = (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port;
    await until('the refusal on stdout', () => log.some((l) => /out bad: error — /.test(l)), 15_000);
    const errorsBefore = run.health().transports.find((t) => t.name === 'bad')!.counters.errors;
    const from = rx.received.length;
    tx.send(Buffer.from(encodeOscMessage('/eqmorph/alpha', [0.8], 'f')), inPort, '127.0.0.1');
    await until('the good output answering', () => gain(rx.received.slice(from), 5) !== undefined, 15_000);
    await until('the bad output trying again', () => run.health().transports.find((t) => t.name === 'bad')!.counters.errors > errorsBefore, 15_000);
    const lines = healthLines(run.health());
    assert.ok(lines.some((l) => /^stats: out bad error .*errors [1-9]/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^stats: out good open: in 0, out [1-9]/.test(l)), lines.join('\n'));
  } finally {
    tx.close();
    await run.stop();
    rx.socket.close();
    cleanup();
  }
});

test('an OSC destination that goes away and comes back on its port gets the next change', async () => {
  let rx = await oscReceiver();
  const port = rx.port;
  const run = await startRun({ mapping: resolve('mappings/default.yaml'), oscIn: { host: '127.0.0.1', port: 0 }, oscOut: { host: '127.0.0.1', port } }, () => {});
  const tx = dgram.createSocket('udp4');
  const alpha = (a: number) => tx.send(Buffer.from(encodeOscMessage('/eqmorph/alpha', [a], 'f')), (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port, '127.0.0.1');
  try {
    await until('the start snapshot', () => rx.received.length >= 15, 15_000);
    await new Promise<void>((r) => rx.socket.close(() => r()));
    alpha(0.3); // into the void
    await until('alpha 0.3 taken', () => Math.abs(run.bridge().state().get('main')!.alpha - 0.3) < 1e-6, 15_000);
    rx = await oscReceiver(port);
    alpha(0.6);
    await until('the returned destination receiving', () => gain(rx.received, 1) !== undefined, 15_000);
    // every band whose gain moves between alpha 0.3 and 0.6 reaches the returned destination, with its new value
    const direct = run.decoder.decode('warm', 'bright', 0.6);
    const previous = run.decoder.decode('warm', 'bright', 0.3);
    const moved = [1, 2, 3, 4, 5].filter((n) => Math.abs(direct[n - 1]!.gain - previous[n - 1]!.gain) > 0.05);
    assert.ok(moved.length > 0);
    await until('every moved band at the returned destination', () => moved.every((n) => gain(rx.received, n) !== undefined), 15_000);
    for (const n of moved) {
      const g = gain(rx.received, n);
      assert.ok(g !== undefined && Math.abs(g - direct[n - 1]!.gain) < 0.05, `band ${n}: ${g} vs ${direct[n - 1]!.gain}`);
    }
  } finally {
    tx.close();
    await run.stop();
    rx.socket.close();
  }
});
