import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../src/cli/run.js';
import { mappingText } from './mapping-text.js';
import { createFakeMidiBackend } from '../../src/transports/midi-fake.js';
import { decodeOscPacket, encodeOscMessage } from '../../src/transports/osc-packet.js';
import type { OscUdpTransport } from '../../src/transports/osc-udp.js';
import { until } from '../support/until.js';

// Each bridge starts without the rehearsal (rehearse: 0): it plays on private copies of the bridge, never reaches a
// surface's feedback, and cost each start 0.5-1 s of CPU.

/** Polls until `pred` holds; fails with `what` if it never does (a generous bound, not a timing claim). */
async function udpReceiver() {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const got: { address: string; value: unknown }[] = [];
  sock.on('message', (buf) => {
    const r = decodeOscPacket(buf);
    if (r.ok) for (const m of r.messages) got.push({ address: m.address, value: m.args[0] });
  });
  return { sock, got, port: sock.address().port };
}

function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-fb-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const OSC_SURFACE = `version: 1
kind: controller
name: feedback surface
transport: osc
controls:
  fader: { osc: { address: /fb/alpha, type: f, min: 0, max: 1 }, feedback: true }
  termA: { osc: { address: /fb/termA, type: s }, feedback: true }
  bypass: { osc: { address: /fb/bypass, type: i, min: 0, max: 1 }, feedback: true }
  preset: { osc: { address: /fb/preset, type: none } }
  swap: { osc: { address: /fb/swap, type: none } }
  dump: { osc: { address: /fb/dump, type: none } }
`;

/** A mapping with the OSC surface above, its feedback going to `fbPort`, one instance with these bindings. */
function oscMapping(fbPort: number, eqPort: number, initial: string, bindings: string[]): string {
  return mappingText({ inputs: [`surface: { profile: surface.yaml, osc: { listen: 127.0.0.1:9000, feedback: 127.0.0.1:${fbPort} } }`], bindings, initial, eqPort });
}

test('OSC feedback over UDP: start state, a preset or swap on another control moves the fader, corrected words, no echo to the mover', async () => {
  const fb = await udpReceiver();
  const eq = await udpReceiver();
  const dir = workdir({
    'surface.yaml': OSC_SURFACE,
    'm.yaml': oscMapping(fb.port, eq.port, 'alpha: 0.2', [
      '{ source: surface.fader, target: alpha, takeover: pickup }',
      '{ source: surface.termA, target: term_a }',
      '{ source: surface.bypass, target: bypass, mode: toggle }',
      '{ source: surface.preset, target: preset, value: { alpha: 0.75 } }',
      '{ source: surface.swap, target: swap }',
      '{ source: surface.dump, target: dump }',
    ]),
  });
  const run = await startRun({ mapping: join(dir, 'm.yaml'), oscIn: { host: '127.0.0.1', port: 0 }, rehearse: 0 }, () => {});
  const tx = dgram.createSocket('udp4');
  const port = (run.oscInputs.get('surface') as OscUdpTransport).localAddress()!.port;
  const send = (address: string, args: (number | string)[], types: string) => tx.send(Buffer.from(encodeOscMessage(address, args, types)), port, '127.0.0.1');
  const has = (address: string, value: unknown) => fb.got.some((m) => m.address === address && (typeof value === 'number' ? Math.abs((m.value as number) - value) < 1e-6 : m.value === value));
  const alpha = () => run.bridge().state().get('main')!.alpha;
  try {
    await until('the start state on every feedback control', () => has('/fb/alpha', 0.2) && has('/fb/termA', 'warm') && has('/fb/bypass', 0), 15000);
    assert.ok(!fb.got.some((m) => m.address === '/fb/preset' || m.address === '/fb/swap'), 'triggers are not fed back');

    send('/fb/preset', [], '');
    await until('the preset alpha on the fader', () => has('/fb/alpha', 0.75), 15000);
    // The fader was moved to 0.75, so pickup is caught up: a small move follows at once.
    send('/fb/alpha', [0.7], 'f');
    await until('the fader moving alpha without a pickup wait', () => Math.abs(alpha() - 0.7) < 1e-6, 15000);

    // The mover gets no echo: a later feedback (the bypass light) arrives while nothing for 0.7 ever did.
    send('/fb/bypass', [1], 'i');
    await until('the bypass light', () => has('/fb/bypass', 1), 15000);
    assert.ok(!has('/fb/alpha', 0.7), 'no echo of its own move to the fader');

    const words = () => fb.got.filter((m) => m.address === '/fb/termA').length;
    const before = words();
    send('/fb/termA', ['Brighter'], 's');
    await until('the word as understood sent back to the text field', () => has('/fb/termA', 'bright'), 15000);
    send('/fb/termA', ['clear'], 's');
    await until('termA set', () => run.bridge().state().get('main')!.termA === 'clear', 15000);
    send('/fb/bypass', [1], 'i');
    await until('the bypass light going off', () => has('/fb/bypass', 0) && fb.got.filter((m) => m.address === '/fb/bypass').length >= 3, 15000);
    assert.equal(words(), before + 1, 'a word understood as sent is not echoed');

    send('/fb/swap', [], '');
    await until('swap: 1 - alpha on the fader', () => has('/fb/alpha', 0.3), 15000);
    await until('swap: the other term on the text field', () => words() === before + 2, 15000);

    // A dump resends what every control already shows.
    const count = (address: string) => fb.got.filter((m) => m.address === address).length;
    const [faders, lights] = [count('/fb/alpha'), count('/fb/bypass')];
    send('/fb/dump', [], '');
    await until('the dump on every feedback control', () => count('/fb/alpha') === faders + 1 && count('/fb/bypass') === lights + 1 && words() === before + 3, 15000);
    assert.ok(run.bridge().counters().feedbackSent >= 6);
  } finally {
    tx.close();
    await run.stop();
    fb.sock.close();
    eq.sock.close();
    rmSync(dir, { recursive: true });
  }
});

test('a term changed from outside the surfaces (the monitor) reaches the text field that shows it', async () => {
  const fb = await udpReceiver();
  const dir = workdir({
    'surface.yaml': OSC_SURFACE,
    'm.yaml': oscMapping(fb.port, 9, '', ['{ source: surface.termA, target: term_a }']),
  });
  const run = await startRun({ mapping: join(dir, 'm.yaml'), oscIn: { host: '127.0.0.1', port: 0 }, rehearse: 0 }, () => {});
  try {
    await until('the start term', () => fb.got.some((m) => m.value === 'warm'), 15000);
    run.bridge().inject({ input: 'surface', control: 'termA', value: { kind: 'text', value: 'clear' }, raw: ['clear'], time: performance.now() });
    await until('the injected term on the text field', () => fb.got.some((m) => m.address === '/fb/termA' && m.value === 'clear'), 15000);
  } finally {
    await run.stop();
    fb.sock.close();
    rmSync(dir, { recursive: true });
  }
});

test('MIDI feedback through the injected port: a preset moves the pitch-bend motor fader, its echo is ignored, touch holds the motor', async () => {
  const dir = workdir({
    'surface.yaml': `version: 1
kind: controller
name: motor surface
transport: midi
controls:
  fader: { midi: { type: pitchbend, channel: 1 }, touch: { type: note, channel: 1, number: 104 }, feedback: true }
  p1: { midi: { type: note, channel: 1, number: 40 } }
  p2: { midi: { type: note, channel: 1, number: 41 } }
  byp: { midi: { type: note, channel: 1, number: 16 }, feedback: true }
  vpot: { midi: { type: cc, channel: 1, number: 16, relative: sign-magnitude }, ring: { number: 48, mode: dot }, feedback: true }
`,
    'm.yaml': mappingText({
      inputs: [`desk: { profile: surface.yaml, midi: { port: 'Desk*', output_port: 'Desk*' } }`],
      initial: 'alpha: 0, strength: 0.5',
      bindings: [
        '{ source: desk.fader, target: alpha, takeover: pickup }',
        '{ source: desk.p1, target: preset, value: { alpha: 0.75 } }',
        '{ source: desk.p2, target: preset, value: { alpha: 0.25 } }',
        '{ source: desk.byp, target: bypass, mode: toggle }',
        '{ source: desk.vpot, target: strength, step: 0.1 }',
      ],
    }),
  });
  const backend = createFakeMidiBackend(['Desk MIDI 1']);
  const run = await startRun({ mapping: join(dir, 'm.yaml'), midiBackend: backend, rehearse: 0 }, () => {});
  const sent = () => backend.sent('Desk MIDI 1');
  const bend = (u: number) => {
    const v = Math.round(u * 16383);
    return [0xe0, v & 0x7f, v >> 7];
  };
  const sentBend = (u: number) => sent().some((m) => m.join() === bend(u).join());
  const alpha = () => run.bridge().state().get('main')!.alpha;
  try {
    await until('start: fader at 0, light off, ring at the middle', () => sentBend(0) && sent().some((m) => m.join() === '144,16,0') && sent().some((m) => m.join() === [0xb0, 48, 6].join()), 15000);

    backend.emit('Desk MIDI 1', [0x90, 40, 127]);
    await until('E0 ll mm for alpha 0.75', () => sentBend(0.75), 15000);
    // The motor moved; the fader reports where it now stands. That is an echo, not a move.
    backend.emit('Desk MIDI 1', bend(0.75));
    assert.equal(alpha(), 0.75, 'the echo did not move the state');
    assert.equal(run.bridge().counters().echoesDropped, 1);

    // While the fader is touched the motor is not driven; released, it is put where the target is.
    backend.emit('Desk MIDI 1', [0x90, 104, 127]);
    backend.emit('Desk MIDI 1', [0x90, 41, 127]);
    assert.equal(alpha(), 0.25);
    backend.emit('Desk MIDI 1', [0x90, 16, 127]);
    await until('the bypass light', () => sent().some((m) => m.join() === '144,16,127'), 15000);
    assert.ok(!sentBend(0.25), 'no motor move while touched');
    backend.emit('Desk MIDI 1', [0x90, 104, 0]);
    await until('the motor moved on release', () => sentBend(0.25), 15000);

    // A hand move is not sent back; the encoder's ring follows its own turns.
    backend.clearSent();
    backend.emit('Desk MIDI 1', bend(0.5));
    assert.ok(Math.abs(alpha() - 0.5) < 1e-3, 'pickup was caught up by the motor move, so the hand moves alpha at once');
    backend.emit('Desk MIDI 1', [0xb0, 16, 0x02]);
    await until('the ring at strength 0.7 (position 8 of 11)', () => sent().some((m) => m.join() === [0xb0, 48, 8].join()), 15000);
    assert.ok(!sent().some((m) => m[0] === 0xe0), 'no echo to the fader that moved');
  } finally {
    await run.stop();
    rmSync(dir, { recursive: true });
  }
});
