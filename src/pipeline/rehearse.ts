// Rehearsal: as the bridge starts, throwaway copies of it play alpha moves over loopback UDP.
//
// V8 compiles a function for speed only after it has run many times. Without a rehearsal the first ~2,000 fader moves
// of a run met half-compiled code and compile work on the other core: frames then came up to 5 ms late (p99 1.7 ms over
// a 5 s sweep at 1 kHz, against 0.8 ms from the third second on). The rehearsal runs the same code — packet decode,
// bindings, the pair table, the target encoder, de-duplication, the OSC encoder and UDP sends — with the mapping's own
// profiles, so what V8 learns about it carries over. Nothing of it reaches a real device: its inputs and outputs are
// fresh sockets on 127.0.0.1, and its outputs send to a socket of its own that discards what it gets.

import dgram from 'node:dgram';
import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { BandDecoder, MorphDecoder } from '../morph/morph-state.js';
import type { Control, Mapping } from '../profiles/types.js';
import { encodeOscMessage } from '../transports/osc-packet.js';
import { OscUdpTransport } from '../transports/osc-udp.js';
import { startBridge } from './bridge.js';
import type { FeedbackSink } from './feedback.js';

/** Enough for every per-event function to reach V8's optimising compiler (docs/performance.md). */
export const DEFAULT_REHEARSAL_MOVES = 2000;
export const DEFAULT_REHEARSAL_ROUNDS = 2;

export interface RehearsalOptions {
  readonly mapping: Mapping;
  readonly decoder: MorphDecoder;
  readonly layoutDecoders?: ReadonlyMap<string, BandDecoder>;
  readonly moves: number;
  /** Bridges the moves are shared among, one after the other (default DEFAULT_REHEARSAL_ROUNDS). */
  readonly rounds?: number;
  /** How long one move may take to reach the bridge before the rehearsal gives up on the rest (a busy machine). */
  readonly moveTimeoutMs?: number;
  /**
   * Asked before each move: once it answers true (the real bridge is being played, or eqmorph is stopping), the
   * rehearsal ends there. Real moves warm the same code, and a rehearsal's frames and garbage beside them only delay
   * them: a desk's first faders met young-generation collections of 2-10 ms every 30-50 ms while it ran. (Waiting
   * instead would hold the background builds, paused for the rehearsal, for as long as a fader moves.)
   */
  readonly endWhen?: () => boolean;
}

export interface Rehearsal {
  /** Moves the bridge processed. */
  readonly moves: number;
  /** Datagrams its outputs sent (to the discarding socket). */
  readonly sent: number;
  readonly ms: number;
}

/** One way to move an instance's alpha: a datagram to an OSC input, or an event handed to the bridge (MIDI, the web page). */
type Move = { readonly kind: 'osc'; readonly input: string; readonly packet: (u: number) => Uint8Array } | { readonly kind: 'inject'; readonly event: (u: number) => ControlEvent };

const PHI = 0.6180339887498949;

/** A control's absolute value at position u in [0, 1], or null for controls that cannot hold a position (relative, text). */
function valueAt(control: Control, u: number): ControlValue | null {
  if (control.value === 'continuous') return { kind: 'continuous', value: u };
  if (control.value === 'discrete' && control.maxStep !== undefined) return { kind: 'discrete', step: Math.round(u * control.maxStep), max: control.maxStep };
  return null;
}

/** Every absolute control bound to an instance's alpha, as a move. */
export function alphaMoves(mapping: Mapping): Move[] {
  const moves: Move[] = [];
  for (const inst of mapping.instances) {
    for (const b of inst.bindings) {
      if (b.target !== 'alpha' || b.glue.control !== 'absolute') continue;
      const { input, control: id } = b.source;
      const control = mapping.inputs.get(input)?.profile.controls.get(id);
      if (!control || valueAt(control, 0) === null) continue;
      const osc = control.transport === 'osc' ? control.osc : null;
      if (osc && (osc.type === 'f' || osc.type === 'i')) {
        const at = (u: number) => osc.min + u * (osc.max - osc.min);
        moves.push({ kind: 'osc', input, packet: (u) => encodeOscMessage(osc.address, [osc.type === 'i' ? Math.round(at(u)) : at(u)], osc.type) });
      } else {
        moves.push({ kind: 'inject', event: (u) => ({ input, control: id, value: valueAt(control, u)!, raw: [], time: performance.now() }) });
      }
    }
  }
  return moves;
}

/**
 * The instances a rehearsal plays: the first of each output and set of inputs bound to its alpha. A desk's channels
 * run the same code per event (another channel number in the same encoder), so one of each kind warms what all of
 * them run, where a throwaway bridge of every channel of a 32-channel desk held the real one's faders up to 250 ms
 * while it was built and stopped, twice, beside it.
 */
export function rehearsalMapping(mapping: Mapping): Mapping {
  const kinds = new Set<string>();
  const instances = mapping.instances.filter((inst) => {
    const inputs = [...new Set(inst.bindings.filter((b) => b.target === 'alpha').map((b) => b.source.input))].sort();
    const kind = JSON.stringify([inst.output, inputs]);
    if (kinds.has(kind)) return false;
    kinds.add(kind);
    return true;
  });
  return instances.length === mapping.instances.length ? mapping : { ...mapping, instances };
}

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

/** Plays `moves` alpha moves through throwaway bridges of `mapping` (`rounds` of them in turn) on loopback sockets, one frame per move. */
export async function rehearse(opts: RehearsalOptions): Promise<Rehearsal> {
  const t0 = performance.now();
  const mapping = rehearsalMapping(opts.mapping);
  const moves = alphaMoves(mapping);
  if (opts.moves <= 0 || moves.length === 0) return { moves: 0, sent: 0, ms: performance.now() - t0 };
  const loopback = { host: '127.0.0.1', port: 0 };
  // Connected to a peer that never sends, this socket gets nothing: the kernel drops what the outputs send it without
  // waking this process, so the rehearsal costs what the real path costs and no more.
  const discard = dgram.createSocket('udp4');
  await new Promise<void>((r) => discard.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => discard.connect(discard.address().port, '127.0.0.1', r));
  const sinkAt = { host: '127.0.0.1', port: discard.address().port };
  const oscInputs = new Map<string, OscUdpTransport>();
  const oscOutputs = new Map<string, OscUdpTransport>();
  const feedbackSinks = new Map<string, FeedbackSink>();
  const sockets: OscUdpTransport[] = [];
  const socket = (t: OscUdpTransport) => (sockets.push(t), t);
  const client = dgram.createSocket('udp4');
  try {
    for (const [name, input] of mapping.inputs) {
      if (input.connection.transport !== 'osc') continue;
      // Read on this thread: a reader thread of its own would cost the start-up a thread that lives for a second.
      oscInputs.set(name, socket(new OscUdpTransport({ name, mode: 'in', bind: loopback, reader: 'main' })));
      if (input.connection.feedback) feedbackSinks.set(name, socket(new OscUdpTransport({ name: `${name} feedback`, mode: 'out', remote: sinkAt })));
    }
    for (const [name, output] of mapping.outputs) {
      if (output.connection.transport === 'osc') oscOutputs.set(name, socket(new OscUdpTransport({ name, mode: 'out', remote: sinkAt })));
    }
    await Promise.all(sockets.map((t) => t.open()));
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', r));
    const ports = new Map([...oscInputs].map(([name, t]) => [name, t.localAddress()!.port]));
    // Several bridges in turn, not one: optimised code that called one bridge's closures is thrown away when another
    // bridge's closures arrive ("wrong call target"), and compiling it again took the first seconds of a real run.
    // After two rounds the calls are known to vary, and the code optimised then serves the real bridge (started before
    // the rehearsal, running beside it) as well.
    const rounds = Math.max(1, Math.min(opts.rounds ?? DEFAULT_REHEARSAL_ROUNDS, opts.moves));
    const timeout = opts.moveTimeoutMs ?? 100;
    let played = 0;
    let sent = 0;
    for (let round = 0; round < rounds; round++) {
      const bridge = startBridge({ mapping, decoder: opts.decoder, oscInputs, oscOutputs, midiInputs: new Map(), midiOutputs: new Map(), feedbackSinks, layoutDecoders: opts.layoutDecoders, startSnapshot: false });
      try {
        const last = Math.round(((round + 1) * opts.moves) / rounds);
        // What was played so far, where the rehearsal ends early.
        const sofar = () => ({ moves: played, sent: sent + bridge.counters().sent, ms: performance.now() - t0 });
        for (let k = played; k < last; k++) {
          const move = moves[k % moves.length]!;
          const u = ((k + 1) * PHI) % 1;
          if (opts.endWhen?.()) return sofar();
          const before = bridge.counters().events;
          if (move.kind === 'osc') client.send(move.packet(u), ports.get(move.input)!, '127.0.0.1');
          else bridge.inject(move.event(u));
          // Each move in its own turn of the event loop, so each is a frame of its own, as a fader's moves at 1 kHz are.
          const deadline = performance.now() + timeout;
          while (bridge.counters().events === before && performance.now() < deadline) await nextTurn();
          if (bridge.counters().events === before) return sofar();
          await nextTurn();
          played++;
        }
        sent += bridge.counters().sent;
      } finally {
        bridge.stop();
      }
    }
    return { moves: played, sent, ms: performance.now() - t0 };
  } finally {
    client.close();
    await Promise.all(sockets.map((t) => t.close()));
    discard.close();
  }
}
