import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Band } from '../../src/eq/bands.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { meanAbsDiffDb, responseDb } from '../../src/eq/response.js';
import { startRun } from '../../src/cli/run.js';
import { createFakeMidiBackend } from '../../src/transports/midi-fake.js';
import { startX32Double, type X32Double } from '../support/x32-double.js';
import { until } from '../support/until.js';

// nanoKONTROL2 CC events through the injected MIDI port -> eqmorph run with the shipped mapping -> an X32 (test double).
const shipped = resolve('mappings/nanokontrol2-x32.yaml');
const target = resolve('firmware-profiles/targets/behringer-x32-channel.yaml');
// The shipped mapping's initial pairs, channel by channel.
const PAIRS: [string, string][] = [
  ['warm', 'bright'],
  ['warm', 'clear'],
  ['dark', 'bright'],
  ['dry', 'bright'],
  ['warm', 'loud'],
  ['clear', 'metallic'],
  ['large', 'clear'],
  ['dry', 'large'],
];
const CHANNELS = 8;
const PORT = 'nanoKONTROL2:nanoKONTROL2 MIDI 1 20:0';

/** The shipped mapping, with its profile paths made absolute and the desk's address pointed at the double. */
function mappingText(port: number): string {
  return readFileSync(shipped, 'utf8')
    .replaceAll('../firmware-profiles/', `${resolve('firmware-profiles')}/`)
    .replace('127.0.0.1:10023', `127.0.0.1:${port}`);
}


/** What the desk would set, read back from its floats with the documented formulas (devices.md §1.4). */
function deskBands(x32: X32Double, channel: number): Band[] {
  const ch = String(channel).padStart(2, '0');
  const types = ['lowshelf', 'peaking', 'peaking', 'highshelf'] as const;
  return types.map((type, i) => {
    const get = (leaf: string) => x32.value(`/ch/${ch}/eq/${i + 1}/${leaf}`) as number;
    return { type, freq: 20 * 1000 ** get('f'), gain: -15 + 30 * get('g'), q: 10 * 0.03 ** get('q') } as Band;
  });
}

test('mappings/nanokontrol2-x32.yaml: eight nanoKONTROL2 faders morph eight X32 channels: the desk ends up with the fitted EQ, switched on, registered with /xremote', async () => {
  const x32 = await startX32Double();
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-x32-'));
  const file = join(dir, 'nano-x32.yaml');
  writeFileSync(file, mappingText(x32.port));
  const backend = createFakeMidiBackend([PORT]);
  const log: string[] = [];
  // No table cache: the tables are built here, as on a first start.
  const run = await startRun({ mapping: file, midiBackend: backend, cache: false }, (l) => log.push(l));
  // A fader is played from the start (channel 8's, held at its alpha 0 by pickup) until every table is built: a desk's
  // rehearsal ends when the real bridge is played, and the background builds it paused go on.
  const playing = setInterval(() => backend.emit(PORT, [0xb0, CHANNELS - 1, 0]), 10);
  try {
    assert.ok(log.some((l) => /instance ch1 -> x32: .*fitted to the target's 4/.test(l)), log.join('\n'));
    // At start: every channel's EQ switched on, the band types set, and the client registered for updates.
    // A channel whose table is still building may send its bands a turn before its full snapshot (on switch first).
    const channels = Array.from({ length: CHANNELS }, (_, i) => String(i + 1).padStart(2, '0'));
    await until('the start snapshot', () => channels.every((ch) => x32.value(`/ch/${ch}/eq/4/q`) !== undefined && x32.value(`/ch/${ch}/eq/on`) !== undefined) && x32.xremotes() >= 1, 15000);
    for (let c = 1; c <= CHANNELS; c++) {
      const ch = String(c).padStart(2, '0');
      assert.equal(x32.value(`/ch/${ch}/eq/on`), 1);
      assert.deepEqual([1, 2, 3, 4].map((b) => x32.value(`/ch/${ch}/eq/${b}/type`)), [1, 2, 2, 4]);
    }
    const fitted = run.layoutDecoders().get('x32')!;
    await until('fitted tables for every pair, a fader moving', () => PAIRS.every(([a, b]) => fitted.ready(a, b)), 60000);
    clearInterval(playing);
    assert.ok(run.bridge().counters().events > 0, 'the fader was played');

    const positions = Array.from({ length: CHANNELS }, (_, i) => Math.round((127 * (i + 1)) / (CHANNELS + 1)));
    // Pickup takeover: each fader first meets the channel's alpha (0), then moves.
    positions.forEach((v, i) => {
      backend.emit(PORT, [0xb0, i, 0]);
      backend.emit(PORT, [0xb0, i, v]);
    });
    await until('every fader reached its channel', () => positions.every((v, i) => run.bridge().state().get(`ch${i + 1}`)!.alpha === v / 127), 15000);
    // What eqmorph's own bands send (its pair tables), which the desk's 4-band fit follows.
    const eqmorph = run.decoder;
    const settled = () =>
      positions.every((v, i) => {
        const [a, b] = PAIRS[i % PAIRS.length]!;
        return meanAbsDiffDb(responseDb(deskBands(x32, i + 1), DEFAULT_GRID), responseDb(eqmorph.decode(a, b, v / 127), DEFAULT_GRID)) < 0.5;
      });
    await until('every channel follows its fader', settled, 15000);
    for (let c = 1; c <= CHANNELS; c++) {
      const [a, b] = PAIRS[(c - 1) % PAIRS.length]!;
      const err = meanAbsDiffDb(responseDb(deskBands(x32, c), DEFAULT_GRID), responseDb(eqmorph.decode(a, b, positions[c - 1]! / 127), DEFAULT_GRID));
      // The 4-band fit and the desk's steps (0.25 dB, 1/200 of 3 decades, 1/71 of the Q range) together.
      assert.ok(err < 0.5, `channel ${c}: the desk's EQ is ${err.toFixed(3)} dB from eqmorph's ${a}/${b}`);
    }

    // A knob halves channel 1's strength: its gains halve on the desk (to the 0.25 dB grid), frequencies stay.
    const before = deskBands(x32, 1);
    backend.emit(PORT, [0xb0, 16, 127]); // meets strength 1 (pickup) ...
    backend.emit(PORT, [0xb0, 16, 0]); // ... and turns it down
    await until('strength 0 reaches the desk', () => deskBands(x32, 1).every((band) => band.gain === 0), 15000);
    assert.deepEqual(deskBands(x32, 1).map((band) => band.freq), before.map((band) => band.freq));
    // S1 steps channel 1's term A to the next in the bank (warm -> bright); other channels keep theirs.
    backend.emit(PORT, [0xb0, 32, 127]);
    await until('the term switch', () => run.bridge().state().get('ch1')!.termA === 'bright', 15000);
    assert.equal(run.bridge().state().get('ch2')!.termA, 'warm');
    // R2 bypasses channel 2: its gains go to 0 dB on the desk.
    backend.emit(PORT, [0xb0, 65, 127]);
    await until('bypass reaches the desk', () => deskBands(x32, 2).every((band) => band.gain === 0), 15000);
    // Only values on the mixer's own grids were ever sent (121 gains, 201 frequencies, 72 Qs).
    const steps: Record<string, number> = { g: 120, f: 200, q: 71 };
    for (const s of x32.sets) {
      const leaf = s.address.split('/').pop()!;
      if (!(leaf in steps)) continue;
      const k = (s.value as number) * steps[leaf]!;
      assert.ok(Math.abs(k - Math.round(k)) < 1e-4, `${s.address} ${String(s.value)} is off the desk's grid`);
    }
  } finally {
    clearInterval(playing);
    await run.stop();
    await x32.close();
    rmSync(dir, { recursive: true });
  }
});

test('the keepalive repeats at its interval while the bridge runs and stops with it', async () => {
  const x32 = await startX32Double();
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-keep-'));
  const fastTarget = join(dir, 'x32-fast.yaml');
  writeFileSync(fastTarget, readFileSync(target, 'utf8').replace('every_ms: 9000', 'every_ms: 20'));
  const fastMapping = mappingText(x32.port).replace(target, fastTarget);
  assert.ok(fastMapping.includes(fastTarget));
  const file = join(dir, 'm.yaml');
  writeFileSync(file, fastMapping);
  const run = await startRun({ mapping: file, midiBackend: createFakeMidiBackend([PORT]) }, () => {});
  try {
    try {
      await until('three keepalives', () => x32.xremotes() >= 3, 15000);
    } finally {
      await run.stop();
    }
    // A datagram sent just before stop may still be on its way: let it land before counting.
    await new Promise((r) => setTimeout(r, 50));
    const after = x32.xremotes();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(x32.xremotes(), after, 'no keepalive after stop');
  } finally {
    // Closed even when an assertion fails: an open socket would keep the test file from ever ending.
    await x32.close();
    rmSync(dir, { recursive: true });
  }
});
