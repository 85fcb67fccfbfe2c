// eqmorph run against a real X32 emulator (../shared/peers/x32-emulator, built here): what the desk stores is exactly
// what eqmorph's encoding says, and the desk's bands sound like eqmorph's five. Every emulator test lives in this one
// file because the emulator's port is fixed (10023): the test runner runs files side by side, tests in a file one by one.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { startRun } from '../../src/cli/run.js';
import type { Band, BandType } from '../../src/eq/bands.js';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { responseDb } from '../../src/eq/response.js';
import { morphBands } from '../../src/morph/morph-state.js';
import { targetEncoder } from '../../src/pipeline/encode-target.js';
import { createFakeMidiBackend, type FakeMidiBackend } from '../../src/transports/midi-fake.js';
import type { OscArg } from '../../src/transports/osc-packet.js';
import { until } from '../support/until.js';
import { emulatorUnavailable, startX32Emulator, type X32Emulator } from '../support/x32-emulator.js';

const unavailable = emulatorUnavailable();
const skip = unavailable ?? false;
const PORT = 'nanoKONTROL2:nanoKONTROL2 MIDI 1 20:0';
const profiles = resolve('firmware-profiles');
/**
 * How far the desk's 4-band EQ may be from eqmorph's five bands (max dB over the grid). Measured: 0.23, 0.17, 0.23 and
 * 0.18 dB at the four moves; the ends' values are chosen on the desk's steps together (rounded one by one, 0.31 dB).
 */
const MAX_DB = 0.25;

/** The fader positions of the moves: α 0, 0.25, 0.5 and 1 as near as a 7-bit CC gets (0, 32/127, 64/127, 1). */
const MOVES = [0, 32, 64, 127];
/** The desk's band types (Maillot, protocol v0.64 p.21: LCut 0, LShv 1, PEQ 2, VEQ 3, HShv 4, HCut 5). */
const DESK_TYPES: Record<number, BandType> = { 1: 'lowshelf', 2: 'peaking', 4: 'highshelf' };

let emulator: X32Emulator;
before(async () => {
  if (!unavailable) emulator = await startX32Emulator();
});
after(async () => {
  await emulator?.stop();
});

type Run = Awaited<ReturnType<typeof startRun>>;

interface Comparison {
  /** Stored values compared with eqmorph's encoding, and how many were equal to the last bit. */
  readonly values: number;
  readonly exact: number;
  readonly mismatches: string[];
  /** The largest difference, over the response grid, between the desk's bands and eqmorph's own five. */
  readonly maxDb: number;
}

/** The desk's bands, read from its stored floats with the protocol document's formulas (devices.md §1.4). */
function deskBands(stored: ReadonlyMap<string, OscArg | undefined>, prefix: string, count: number): Band[] {
  return Array.from({ length: count }, (_, i) => {
    const get = (leaf: string) => stored.get(`${prefix}/eq/${i + 1}/${leaf}`) as number;
    return { type: DESK_TYPES[get('type')]!, freq: 20 * 1000 ** get('f'), gain: -15 + 30 * get('g'), q: 10 * 0.03 ** get('q') } as Band;
  });
}

/** One instance: every band's type, f, g and q on the emulator against eqmorph's encoding of the instance's state. */
async function compare(run: Run, instanceName: string, prefix: string): Promise<Comparison> {
  const instance = run.mapping().instances.find((i) => i.name === instanceName)!;
  const profile = run.mapping().outputs.get(instance.output)!.profile;
  const state = run.bridge().state().get(instanceName)!;
  const expected = targetEncoder(profile, instance.index, instance.name)(morphBands(state, run.layoutDecoders().get(instance.output)!));
  const stored = await emulator.query(expected.map((m) => (m.transport === 'osc' ? m.address : '')));
  const mismatches = expected.flatMap((m) => (m.transport === 'osc' && stored.get(m.address) !== m.value ? [`${m.address}: desk ${String(stored.get(m.address))}, eqmorph ${m.value}`] : []));
  const desk = responseDb(deskBands(stored, prefix, profile.bands.length), DEFAULT_GRID);
  const own = responseDb(run.decoder.decode(state.termA, state.termB, state.alpha), DEFAULT_GRID);
  const maxDb = desk.reduce((m, v, i) => Math.max(m, Math.abs(v - own[i]!)), 0);
  return { values: expected.length, exact: expected.length - mismatches.length, mismatches, maxDb };
}

/** A mapping file for this run, with the shipped profiles' paths made absolute. */
function writeMapping(dir: string, text: string): string {
  const file = join(dir, 'mapping.yaml');
  writeFileSync(file, text.replaceAll('../firmware-profiles/', `${profiles}/`));
  return file;
}

/**
 * Moves each fader (CC `faders[i]`) through MOVES; after each, waits until the desk holds exactly eqmorph's encoding
 * for every instance and returns the comparisons. The first move is a dump (after the fitted table is built), so the
 * desk's start snapshot is the table's too.
 */
async function moveAndCompare(t: TestContext, run: Run, backend: FakeMidiBackend, faders: readonly { cc: number; instance: string; prefix: string }[], dumpCc: number): Promise<Comparison[]> {
  const all: Comparison[] = [];
  for (const v of MOVES) {
    if (v === 0) backend.emit(PORT, [0xb0, dumpCc, 127]);
    for (const f of faders) backend.emit(PORT, [0xb0, f.cc, v]);
    await until(`every instance at fader ${v}`, () => faders.every((f) => run.bridge().state().get(f.instance)!.alpha === v / 127), 15000);
    let last: Comparison[] = [];
    await until(
      `the desk holds eqmorph's values at fader ${v}`,
      async () => {
        last = await Promise.all(faders.map((f) => compare(run, f.instance, f.prefix)));
        return last.every((c) => c.mismatches.length === 0);
      },
      15000,
    ).catch((err: Error) => assert.fail(`${err.message}\n${last.flatMap((c) => c.mismatches).join('\n')}`));
    const worst = Math.max(...last.map((c) => c.maxDb));
    t.diagnostic(`fader ${v} (α ${(v / 127).toFixed(3)}): ${last.reduce((s, c) => s + c.exact, 0)}/${last.reduce((s, c) => s + c.values, 0)} stored values exact, max ${worst.toFixed(3)} dB from eqmorph's five bands`);
    all.push(...last);
  }
  return all;
}

async function withRun(mappingText: string, body: (run: Run, backend: FakeMidiBackend) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-emu-'));
  const backend = createFakeMidiBackend([PORT]);
  const run = await startRun({ mapping: writeMapping(dir, mappingText), midiBackend: backend }, () => {});
  try {
    await body(run, backend);
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true });
  }
}

test('nanoKONTROL2 -> eight X32 channels: after warm -> bright moves the emulator holds exactly eqmorph\'s values, within 0.25 dB of its five bands', { skip }, async (t) => {
  // The shipped mapping, every channel on warm -> bright.
  const text = readFileSync(resolve('mappings/nanokontrol2-x32.yaml'), 'utf8').replace(/initial: \{ term_a: \w+, term_b: \w+,/g, 'initial: { term_a: warm, term_b: bright,');
  await withRun(text, async (run, backend) => {
    const fitted = run.layoutDecoders().get('x32')!;
    await until('the fitted warm/bright table', () => fitted.ready('warm', 'bright'), 60000);
    const faders = Array.from({ length: 8 }, (_, i) => ({ cc: i, instance: `ch${i + 1}`, prefix: `/ch/0${i + 1}` }));
    const results = await moveAndCompare(t, run, backend, faders, 60);
    assert.equal(results.reduce((s, c) => s + c.exact, 0), 8 * 4 * 16);
    for (const c of results) assert.ok(c.maxDb <= MAX_DB, `a channel is ${c.maxDb.toFixed(3)} dB from eqmorph's five bands`);
    // Every channel's EQ switched on by the start snapshot.
    const on = await emulator.query(faders.map((f) => `${f.prefix}/eq/on`));
    assert.deepEqual([...on.values()], Array(8).fill(1));
  });
});

test('the X32 bus profile (6 bands) and the X-Air channel profile\'s addresses on the emulator: exact values, within 0.25 dB', { skip }, async (t) => {
  const text = `version: 1
kind: mapping
name: buses and X-Air channels on the emulator
inputs:
  nano: { profile: ../firmware-profiles/controllers/korg-nanokontrol2.yaml, midi: { port: '*nanoKONTROL2*' } }
outputs:
  bus: { profile: ../firmware-profiles/targets/behringer-x32-bus.yaml, osc: { send: 127.0.0.1:10023 } }
  xair: { profile: ../firmware-profiles/targets/behringer-xair-channel.yaml, osc: { send: 127.0.0.1:10023 } }
instances:
  - { name: bus1, output: bus, index: 1, initial: { term_a: warm, term_b: bright }, bindings: [{ source: nano.fader1, target: alpha, takeover: jump }, { source: nano.marker_set, target: dump }] }
  - { name: bus2, output: bus, index: 2, initial: { term_a: warm, term_b: bright }, bindings: [{ source: nano.fader2, target: alpha, takeover: jump }, { source: nano.marker_set, target: dump }] }
  - { name: ch9, output: xair, index: 9, initial: { term_a: warm, term_b: bright }, bindings: [{ source: nano.fader3, target: alpha, takeover: jump }, { source: nano.marker_set, target: dump }] }
  - { name: ch10, output: xair, index: 10, initial: { term_a: warm, term_b: bright }, bindings: [{ source: nano.fader4, target: alpha, takeover: jump }, { source: nano.marker_set, target: dump }] }
`;
  await withRun(text, async (run, backend) => {
    for (const output of ['bus', 'xair']) await until(`the fitted table of ${output}`, () => run.layoutDecoders().get(output)!.ready('warm', 'bright'), 60000);
    const faders = [
      { cc: 0, instance: 'bus1', prefix: '/bus/01' },
      { cc: 1, instance: 'bus2', prefix: '/bus/02' },
      { cc: 2, instance: 'ch9', prefix: '/ch/09' },
      { cc: 3, instance: 'ch10', prefix: '/ch/10' },
    ];
    const results = await moveAndCompare(t, run, backend, faders, 60);
    assert.equal(results.reduce((s, c) => s + c.exact, 0), MOVES.length * (2 * 6 * 4 + 2 * 4 * 4));
    for (const c of results) assert.ok(c.maxDb <= MAX_DB, `an instance is ${c.maxDb.toFixed(3)} dB from eqmorph's five bands`);
  });
});

/** One X32 channel (ch1 on /ch/01) driven by fader 1, with the given desk-edit policy and takeover. */
/**
 * A fresh emulator: it updates at most 4 /xremote clients and keeps each for 11 s after its last renewal (X32.c,
 * MAX_CLIENTS and XREMOTE_TIME), so the outputs of earlier runs would leave no room for the next one's.
 */
async function freshEmulator(): Promise<void> {
  await emulator.stop();
  emulator = await startX32Emulator();
}

function deskEditMapping(policy: string, takeover: string): string {
  return `version: 1
kind: mapping
name: desk edits on the emulator
inputs:
  nano: { profile: ../firmware-profiles/controllers/korg-nanokontrol2.yaml, midi: { port: '*nanoKONTROL2*' } }
outputs:
  x32: { profile: ../firmware-profiles/targets/behringer-x32-channel.yaml, osc: { send: 127.0.0.1:10023 }, on_desk_edit: ${policy} }
instances:
  - { name: ch1, output: x32, index: 1, initial: { term_a: warm, term_b: bright }, bindings: [{ source: nano.fader1, target: alpha, takeover: ${takeover} }, { source: nano.marker_set, target: dump }] }
`;
}

/**
 * Starts the run, waits for the fitted table, dumps (so the desk holds the table's values at α 0) and waits until the
 * desk holds exactly eqmorph's values and its start queries are answered.
 */
async function settle(run: Run, backend: FakeMidiBackend): Promise<void> {
  await until('the fitted warm/bright table', () => run.layoutDecoders().get('x32')!.ready('warm', 'bright'), 60000);
  backend.emit(PORT, [0xb0, 60, 127]);
  await until('the desk holds eqmorph\'s values', async () => (await compare(run, 'ch1', '/ch/01')).mismatches.length === 0, 15000);
  await until('the answers to eqmorph\'s start queries', () => run.bridge().deskCounters().get('x32')!.answers >= 16, 15_000);
}

/** The encoded value eqmorph would send for an address of ch1 at a fader position. */
function encodedAt(run: Run, address: string, fader: number): number {
  const instance = run.mapping().instances[0]!;
  const state = { ...run.bridge().state().get('ch1')!, alpha: fader / 127 };
  const frame = targetEncoder(run.mapping().outputs.get('x32')!.profile, instance.index, instance.name)(morphBands(state, run.layoutDecoders().get('x32')!));
  return frame.find((m) => m.transport === 'osc' && m.address === address)!.value as number;
}

/** An engineer's edit from another client; waits until eqmorph has counted it, then checks that nothing was sent back. */
async function engineerSets(run: Run, address: string, value: number, edits: number): Promise<void> {
  const sent = run.bridge().counters().sent;
  await emulator.set(address, value, 'f');
  await until(`desk edit ${edits} counted`, () => run.bridge().deskCounters().get('x32')!.edits === edits, 15_000);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(run.bridge().counters().sent, sent, 'a report of the desk made eqmorph send (a feedback loop)');
  assert.equal((await emulator.query([address])).get(address), Math.fround(value), 'the edit stays on the desk until a move');
}

test('on_desk_edit: override: an engineer\'s gain edit is counted (not dropped), answered by nothing, and overwritten by the next fader move', { skip }, async () => {
  await freshEmulator();
  await withRun(deskEditMapping('override', 'jump'), async (run, backend) => {
    await settle(run, backend);
    await engineerSets(run, '/ch/01/eq/2/g', 1, 1);
    backend.emit(PORT, [0xb0, 0, 80]);
    await until('the move overwrites the edit', async () => (await compare(run, 'ch1', '/ch/01')).mismatches.length === 0, 15000);
    const out = run.oscOutputs.get('x32')!.counters();
    assert.equal(out.dropped, 0);
    assert.ok(out.in >= 1, 'the report was read on the output');
    assert.equal(run.bridge().counters().deskEdits, 1);
  });
});

test('on_desk_edit: yield: an edited parameter is left to the desk while the fader moves, and taken back once eqmorph\'s value meets the desk\'s (pickup)', { skip }, async () => {
  await freshEmulator();
  await withRun(deskEditMapping('yield', 'pickup'), async (run, backend) => {
    await settle(run, backend);
    // Two edits at α 0: one gain beyond anything warm -> bright reaches (+15 dB), one frequency between its α 0 and α 1 values.
    const freq = '/ch/01/eq/3/f';
    const [f0, f1] = [encodedAt(run, freq, 0), encodedAt(run, freq, 127)];
    assert.notEqual(f0, f1);
    const between = Math.round(((f0 + f1) / 2) * 200) / 200;
    await engineerSets(run, '/ch/01/eq/2/g', 1, 1);
    await engineerSets(run, freq, between, 2);
    // The fader meets α 0 (pickup), then moves all the way: the gain stays the engineer's, the frequency is taken back.
    backend.emit(PORT, [0xb0, 0, 0]);
    backend.emit(PORT, [0xb0, 0, 127]);
    await until('the move reaches the desk', async () => {
      const c = await compare(run, 'ch1', '/ch/01');
      return c.mismatches.length === 1 && c.mismatches[0]!.startsWith('/ch/01/eq/2/g:');
    }, 15000);
    assert.equal((await emulator.query(['/ch/01/eq/2/g'])).get('/ch/01/eq/2/g'), 1);
    assert.equal((await emulator.query([freq])).get(freq), Math.fround(encodedAt(run, freq, 127)));
    assert.equal(run.oscOutputs.get('x32')!.counters().dropped, 0);
  });
});

test('on_desk_edit: yield with a jump takeover: the next move takes an edited parameter back at once', { skip }, async () => {
  await freshEmulator();
  await withRun(deskEditMapping('yield', 'jump'), async (run, backend) => {
    await settle(run, backend);
    await engineerSets(run, '/ch/01/eq/2/g', 1, 1);
    backend.emit(PORT, [0xb0, 0, 50]);
    await until('the move takes the gain back', async () => (await compare(run, 'ch1', '/ch/01')).mismatches.length === 0, 15000);
  });
});

test('on_desk_edit: follow: the edit is what eqmorph shows the desk holds, and the next move sets the parameter again', { skip }, async () => {
  await freshEmulator();
  await withRun(deskEditMapping('follow', 'jump'), async (run, backend) => {
    await settle(run, backend);
    await engineerSets(run, '/ch/01/eq/2/g', 0.75, 1);
    assert.equal(run.bridge().deskValues('ch1').get('ch1/b2/gain'), 0.75);
    backend.emit(PORT, [0xb0, 0, 90]);
    await until('the move sets the gain again', async () => (await compare(run, 'ch1', '/ch/01')).mismatches.length === 0, 15000);
    assert.equal(run.bridge().deskValues('ch1').get('ch1/b2/gain'), encodedAt(run, '/ch/01/eq/2/g', 90));
  });
});

test('at start eqmorph asks the desk for every EQ parameter: the answers are read as answers, not edits, and nothing is dropped', { skip }, async () => {
  await freshEmulator();
  await withRun(deskEditMapping('yield', 'jump'), async (run, backend) => {
    await settle(run, backend);
    const desk = run.bridge().deskCounters().get('x32')!;
    await until('the answers to 16 queries', () => desk.answers === 16, 15_000);
    assert.equal(desk.edits, 0);
    assert.equal(run.oscOutputs.get('x32')!.counters().dropped, 0);
  });
});
