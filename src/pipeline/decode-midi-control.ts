// Turns complete MIDI messages into control events by the controller profile; pure, with 14-bit and NRPN state passed in and out.

import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { MidiControl, RelativeEncoding } from '../profiles/types.js';

/** An LSB that follows its MSB within this many ms refines it; a later one is stale and ignored (CC pairs and NRPN data alike). */
export const PAIR_WINDOW_MS = 20;

export interface MidiDecodeState {
  /** Last MSB per 14-bit control id, with its time. */
  readonly msb: ReadonlyMap<string, { readonly value: number; readonly time: number }>;
  /** NRPN per channel: selected parameter (MSB, LSB) and a data MSB waiting for its LSB. */
  readonly nrpn: ReadonlyMap<number, { readonly pMsb: number | null; readonly pLsb: number | null; readonly dataMsb: { readonly value: number; readonly time: number } | null }>;
}

export const EMPTY_MIDI_STATE: MidiDecodeState = { msb: new Map(), nrpn: new Map() };

/** A signed step from a relative encoder's 7-bit value, in the three common conventions. */
export function relativeDelta(v: number, enc: RelativeEncoding): number {
  switch (enc) {
    case 'twos-complement':
      return v < 64 ? v : v - 128;
    case 'offset-64':
      return v - 64;
    case 'sign-magnitude':
      return v & 64 ? -(v & 63) : v & 63;
  }
}

export interface MidiControlTable {
  readonly controls: readonly MidiControl[];
}

export function midiControlTable(controls: ReadonlyMap<string, MidiControl>): MidiControlTable {
  return { controls: [...controls.values()] };
}

interface Decoded {
  readonly state: MidiDecodeState;
  readonly events: ControlEvent[];
  /** Why the message was dropped as malformed (state unchanged, no events); absent for a well-formed message. */
  readonly malformed?: string;
}

/** Bytes a message with this status byte has, counting the status byte; 0 for SysEx (any length, F0 ... F7). */
function expectedLength(status: number): number {
  if (status < 0xf0) return (status & 0xf0) === 0xc0 || (status & 0xf0) === 0xd0 ? 2 : 3;
  if (status === 0xf0) return 0;
  if (status === 0xf1 || status === 0xf3) return 2;
  if (status === 0xf2) return 3;
  return 1;
}

/**
 * Why `bytes` is not one complete MIDI message, or null when it is. A cable or a driver can deliver half a message, a
 * data byte with its top bit set (a realtime byte interleaved where it should not be) or a stray data byte; none of
 * those may move a control, because their values would be read from the wrong positions.
 */
export function midiMessageProblem(bytes: readonly number[]): string | null {
  if (bytes.length === 0) return 'empty message';
  if (!bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return 'a value that is not a byte';
  const status = bytes[0]!;
  if (status < 0x80) return 'no status byte';
  const want = expectedLength(status);
  if (want === 0) return bytes.at(-1) === 0xf7 && bytes.slice(1, -1).every((b) => b < 0x80) ? null : 'unterminated or corrupt SysEx';
  if (bytes.length !== want) return `${bytes.length} bytes where status 0x${status.toString(16)} has ${want}`;
  return bytes.slice(1).every((b) => b < 0x80) ? null : 'a status byte where a data byte belongs';
}

export function decodeMidiControl(state: MidiDecodeState, input: string, table: MidiControlTable, bytes: readonly number[], time: number): Decoded {
  const problem = midiMessageProblem(bytes);
  if (problem !== null) return { state, events: [], malformed: problem };
  const status = bytes[0]! & 0xf0;
  const ch = bytes[0]! & 0x0f;
  const d1 = bytes[1] ?? 0;
  const d2 = bytes[2] ?? 0;
  const events: ControlEvent[] = [];
  const emit = (c: MidiControl, value: ControlValue) => events.push({ input, control: c.id, value, raw: [...bytes], time });
  const find = (pred: (m: MidiControl['midi']) => boolean) => table.controls.filter((c) => c.midi.channel === ch && pred(c.midi));
  let next = state;

  if (status === 0xb0) {
    for (const c of find((m) => m.type === 'cc' && m.number === d1)) {
      const m = c.midi as Extract<MidiControl['midi'], { type: 'cc' }>;
      emit(c, m.relative ? { kind: 'relative', delta: relativeDelta(d2, m.relative) } : { kind: 'discrete', step: d2, max: 127 });
    }
    for (const c of find((m) => m.type === 'cc14' && m.msb === d1)) {
      // The MSB alone moves the control at once; a following LSB refines it.
      next = { ...next, msb: new Map(next.msb).set(c.id, { value: d2, time }) };
      emit(c, { kind: 'discrete', step: d2 << 7, max: 16383 });
    }
    for (const c of find((m) => m.type === 'cc14' && m.lsb === d1)) {
      const hi = next.msb.get(c.id);
      if (hi && time - hi.time <= PAIR_WINDOW_MS) emit(c, { kind: 'discrete', step: (hi.value << 7) | d2, max: 16383 });
    }
    const n = next.nrpn.get(ch) ?? { pMsb: null, pLsb: null, dataMsb: null };
    const setN = (v: typeof n) => (next = { ...next, nrpn: new Map(next.nrpn).set(ch, v) });
    if (d1 === 99) setN({ pMsb: d2, pLsb: null, dataMsb: null });
    else if (d1 === 98) setN({ ...n, pLsb: d2, dataMsb: null });
    // An RPN selection (101/100) takes data entry away from the NRPN, so its data must not move an NRPN control.
    else if (d1 === 101 || d1 === 100) setN({ pMsb: null, pLsb: null, dataMsb: null });
    else if ((d1 === 6 || d1 === 38) && n.pMsb !== null && n.pLsb !== null) {
      const param = (n.pMsb << 7) | n.pLsb;
      const freshMsb = n.dataMsb !== null && time - n.dataMsb.time <= PAIR_WINDOW_MS ? n.dataMsb.value : null;
      for (const c of find((m) => m.type === 'nrpn' && m.number === param)) {
        const m = c.midi as Extract<MidiControl['midi'], { type: 'nrpn' }>;
        if (d1 === 6 && m.bits === 7) emit(c, m.relative ? { kind: 'relative', delta: relativeDelta(d2, m.relative) } : { kind: 'discrete', step: d2, max: 127 });
        if (d1 === 6 && m.bits === 14) emit(c, { kind: 'discrete', step: d2 << 7, max: 16383 });
        if (d1 === 38 && m.bits === 14 && freshMsb !== null) emit(c, { kind: 'discrete', step: (freshMsb << 7) | d2, max: 16383 });
      }
      if (d1 === 6) setN({ ...n, dataMsb: { value: d2, time } });
    }
  } else if (status === 0x90 || status === 0x80) {
    const velocity = status === 0x80 ? 0 : d2;
    for (const c of find((m) => m.type === 'note' && m.number === d1)) emit(c, { kind: 'discrete', step: velocity, max: 127 });
  } else if (status === 0xe0) {
    for (const c of find((m) => m.type === 'pitchbend')) emit(c, { kind: 'continuous', value: ((d2 << 7) | d1) / 16383 });
  } else if (status === 0xc0) {
    for (const c of find((m) => m.type === 'program')) emit(c, { kind: 'discrete', step: d1, max: 127 });
  }
  return { state: next, events };
}
