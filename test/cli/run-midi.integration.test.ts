import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { until } from '../support/until.js';
import { startRun } from '../../src/cli/run.js';
import { createFakeMidiBackend } from '../../src/transports/midi-fake.js';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';

// MIDI through an injected port object: the same interface as @julusian/midi, with no ALSA needed.
test('OSC alpha in, MIDI CCs out: every gain CC carries the decoded gain, under the DIN byte budget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-midi-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    `version: 1
kind: mapping
name: osc to midi
inputs:
  surface: { profile: ${resolve('firmware-profiles/controllers/eqmorph-osc.yaml')}, osc: { listen: 127.0.0.1:19001 } }
outputs:
  eq: { profile: ${resolve('firmware-profiles/targets/generic-midi-cc.yaml')}, midi: { port: EQ Out } }
instances:
  - name: main
    output: eq
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: surface.alpha, target: alpha, takeover: jump }
`,
  );
  const backend = createFakeMidiBackend(['EQ Out']);
  const log: string[] = [];
  const run = await startRun({ mapping: file, oscIn: { host: '127.0.0.1', port: 0 }, midiBackend: backend, rehearse: 0 }, (l) => log.push(l));
  const tx = dgram.createSocket('udp4');
  try {
    assert.ok(log.some((l) => /out eq: MIDI .*EQ Out.*3125 bytes\/s budget/.test(l)), log.join('\n'));
    const port = (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port;
    tx.send(Buffer.from(encodeOscMessage('/eqmorph/alpha', [1], 'f')), port, '127.0.0.1');
    await until('the move taken', () => run.bridge().state().get('main')!.alpha === 1);
    const bands = run.decoder.decode('warm', 'bright', 1); // the bridge keeps the decoder's band order
    const expected = bands.map((b) => Math.round(((b.gain + 12) / 24) * 127));
    const lastCc = () => new Map(backend.sent('EQ Out').map((m) => [m[1]!, m[2]!]));
    // 13 parameters x 3 bytes at most per frame: the budget lets both frames through within a few tens of ms.
    await until('the frame of alpha 1 sent', () => expected.every((e, i) => Math.abs(lastCc().get(20 + i)! - e) <= 1), 15_000);
    assert.ok(backend.sent('EQ Out').every((m) => m.length === 3 && m[0] === 0xb0), 'one 3-byte CC per message, channel 1');
    expected.forEach((e, i) => assert.ok(Math.abs(lastCc().get(20 + i)! - e) <= 1, `band ${i + 1}: CC ${lastCc().get(20 + i)} vs ${e}`));
  } finally {
    tx.close();
    await run.stop();
    rmSync(dir, { recursive: true });
  }
});

test('a MIDI fader and an encoder on an injected port drive alpha and strength, and the EQ goes out over OSC', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-midi-in-'));
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    `version: 1
kind: mapping
name: midi to osc
inputs:
  nano: { profile: ${resolve('test/profiles/fixtures/controllers/midi-surface.yaml')}, midi: { port: 'nano*' } }
outputs:
  eq: { profile: ${resolve('firmware-profiles/targets/eqmorph-osc.yaml')}, osc: { send: 127.0.0.1:9 } }
instances:
  - name: main
    output: eq
    initial: { term_a: warm, term_b: bright, strength: 0.5 }
    bindings:
      - { source: nano.fine, target: alpha, takeover: jump }
      - { source: nano.knob1, target: strength, step: 0.1 }
`,
  );
  const backend = createFakeMidiBackend(['nanoKONTROL2 MIDI 1']);
  const rx = dgram.createSocket('udp4');
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
  let received = 0;
  rx.on('message', () => received++);
  // A fixed arrival clock: on a loaded machine the MSB's frame can take longer than the 20 ms pair window to send.
  const run = await startRun({ mapping: file, oscOut: { host: '127.0.0.1', port: rx.address().port }, midiBackend: backend, midiTiming: { now: () => 0 }, rehearse: 0 }, () => {});
  try {
    const v = 12000; // a 14-bit fader position: MSB on CC 7, LSB on CC 39
    backend.emit('nanoKONTROL2 MIDI 1', [0xb0, 7, v >> 7]);
    backend.emit('nanoKONTROL2 MIDI 1', [0xb0, 39, v & 127]);
    backend.emit('nanoKONTROL2 MIDI 1', [0xb0, 16, 2]); // encoder: two ticks up
    const s = run.bridge().state().get('main')!;
    assert.ok(Math.abs(s.alpha - v / 16383) < 1e-9, String(s.alpha));
    assert.ok(Math.abs(s.strength - 0.7) < 1e-9, String(s.strength));
    await until(`snapshot plus changes over OSC (16 messages; ${received} so far)`, () => received >= 16, 15_000);
  } finally {
    await run.stop();
    rx.close();
    rmSync(dir, { recursive: true });
  }
});
