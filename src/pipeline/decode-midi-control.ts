// Turns complete MIDI messages into control events by the controller profile; pure, with 14-bit and NRPN state passed in and out.

import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { MidiControl, RelativeEncoding } from '../profiles/types.js';

/** An LSB that follows its MSB within this many ms refines it; a later one is stale and ignored. */
export const PAIR_WINDOW_MS = 20;

export interface MidiDecodeState {
  /** Last MSB per 14-bit control id, with its time. */
  readonly msb: ReadonlyMap<string, { readonly value: number; readonly time: number }>;
  /** NRPN per channel: selected parameter (MSB, LSB) and a data MSB waiting for its LSB. */
  readonly nrpn: ReadonlyMap<number, { readonly pMsb: number | null; readonly pLsb: number | null; readonly dataMsb: number | null }>;
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
}

export function decodeMidiControl(state: MidiDecodeState, input: string, table: MidiControlTable, bytes: readonly number[], time: number): Decoded {
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
    else if ((d1 === 6 || d1 === 38) && n.pMsb !== null && n.pLsb !== null) {
      const param = (n.pMsb << 7) | n.pLsb;
      for (const c of find((m) => m.type === 'nrpn' && m.number === param)) {
        const m = c.midi as Extract<MidiControl['midi'], { type: 'nrpn' }>;
        if (d1 === 6 && m.bits === 7) emit(c, m.relative ? { kind: 'relative', delta: relativeDelta(d2, m.relative) } : { kind: 'discrete', step: d2, max: 127 });
        if (d1 === 6 && m.bits === 14) emit(c, { kind: 'discrete', step: d2 << 7, max: 16383 });
        if (d1 === 38 && m.bits === 14 && n.dataMsb !== null) emit(c, { kind: 'discrete', step: (n.dataMsb << 7) | d2, max: 16383 });
      }
      if (d1 === 6) setN({ ...n, dataMsb: d2 });
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
