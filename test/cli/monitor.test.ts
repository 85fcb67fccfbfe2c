import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { startMonitor } from '../../src/cli/monitor.js';
import { createFakeMidiBackend } from '../../src/transports/midi-fake.js';
import { mappingText } from '../pipeline/mapping-text.js';
import { eqmorph } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-monitor-'));
after(() => rmSync(dir, { recursive: true }));
const mappingFile = join(dir, 'm.yaml');
writeFileSync(
  mappingFile,
  mappingText({ inputs: [`nano: { profile: ${resolve('test/profiles/fixtures/controllers/midi-surface.yaml')}, midi: { port: 'nano*' } }`], bindings: ['{ source: nano.fader1, target: alpha }'] }),
);

test('monitor prints decoded MIDI control events, touches, and messages no control matches', async () => {
  const backend = createFakeMidiBackend(['nanoKONTROL2 MIDI 1']);
  const lines: string[] = [];
  const monitor = await startMonitor({ mapping: mappingFile, midiBackend: backend }, (l) => lines.push(l));
  try {
    assert.ok(lines.some((l) => /^listening: nano on MIDI/.test(l)), lines.join('\n'));
    backend.emit('nanoKONTROL2 MIDI 1', [0xb0, 0, 100]); // fader1
    backend.emit('nanoKONTROL2 MIDI 1', [0xb0, 16, 0x7f]); // knob1, two's complement: -1
    backend.emit('nanoKONTROL2 MIDI 1', [0xe0, 0x7f, 0x7f]); // mfader at the top
    backend.emit('nanoKONTROL2 MIDI 1', [0x90, 104, 127]); // mfader touched
    backend.emit('nanoKONTROL2 MIDI 1', [0xb0, 7, 64], 0); // fine, MSB of a 14-bit pair
    backend.emit('nanoKONTROL2 MIDI 1', [0xb5, 3, 9]); // nothing
    assert.deepEqual(lines.slice(1), [
      'nano.fader1  discrete 100/127  [b0 00 64]',
      'nano.knob1  relative -1  [b0 10 7f]',
      'nano.mfader  continuous 1.0000  [e0 7f 7f]',
      'nano.mfader  touch  [90 68 7f]',
      'nano.fine  discrete 8192/16383  [b0 07 40]',
      'nano: no control for [b5 03 09]',
    ]);
  } finally {
    await monitor.stop();
  }
});

test('monitor where MIDI is unavailable says so in one line, and has nothing to monitor in a MIDI-only mapping', { skip: existsSync('/dev/snd/seq') ? 'an ALSA sequencer exists here, so MIDI is available' : false }, async () => {
  const lines: string[] = [];
  const monitor = await startMonitor({ mapping: mappingFile }, (l) => lines.push(l));
  await monitor.stop();
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^MIDI unavailable: .* MIDI inputs are not monitored\.$/);
  assert.equal(monitor.listening, 0);
});

test('eqmorph monitor with nothing it can open says so and exits 1 at once', { skip: existsSync('/dev/snd/seq') ? 'an ALSA sequencer exists here, so MIDI is available' : false }, async () => {
  const r = await eqmorph('monitor', '--mapping', mappingFile);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^eqmorph monitor: nothing to monitor: none of the mapping's inputs could be opened/m);
});
