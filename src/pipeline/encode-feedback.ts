// Feedback to controls, pure: the position a binding would read as a target's current value (the glue run backwards) and the message that shows it.

import { toUnit, type ControlEvent } from '../codecs/control-value.js';
import { cornersOf, PAD_CENTRE, type MorphState } from '../morph/morph-state.js';
import type { Binding, Control, Curve, MidiControl, OscControl, RingMode } from '../profiles/types.js';
import { midiBytes } from './encode-target.js';
import type { AbsoluteGlue } from './takeover.js';

/** What a control should show: a position 0..1 (fader, ring, light) or a word (an OSC text field). */
export type FeedbackValue = { readonly kind: 'unit'; readonly value: number } | { readonly kind: 'text'; readonly value: string };

/** A feedback message on the wire: MIDI messages of 2-3 bytes each, or one OSC message. */
export type FeedbackWire =
  | { readonly transport: 'midi'; readonly messages: readonly (readonly number[])[] }
  | { readonly transport: 'osc'; readonly address: string; readonly type: 'f' | 'i' | 's'; readonly value: number | string };

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** The inverse of `applyCurve`: the control position whose curved value is `y` (every curve is monotonic with fixed ends). */
export function invertCurve(y: number, curve: Curve): number {
  const v = clamp01(y);
  switch (curve.kind) {
    case 'linear':
      return v;
    case 'exp':
      return Math.sqrt(v);
    case 'log':
      return v * v;
    case 's-curve':
      // The inverse of smoothstep 3x² − 2x³ in closed form.
      return clamp01(0.5 - Math.sin(Math.asin(1 - 2 * v) / 3));
    case 'power':
      return curve.exponent > 0 ? v ** (1 / curve.exponent) : v;
  }
}

/** Where an absolute control has to stand for `applyAbsoluteGlue` (jump) to read `value`: range, reverse and curve undone. */
export function invertAbsoluteGlue(glue: Pick<AbsoluteGlue, 'curve' | 'reverse' | 'range'>, value: number): number {
  const [lo, hi] = glue.range;
  const span = hi - lo || 1;
  const t = clamp01((value - lo) / span);
  return invertCurve(glue.reverse ? 1 - t : t, glue.curve);
}

/**
 * What the control of a binding should show for an instance's state, or null where the binding has nothing to show
 * (swap, presets, dump, a term stepped through a list).
 */
export function feedbackFor(binding: Binding, state: MorphState): FeedbackValue | null {
  switch (binding.target) {
    case 'alpha':
    case 'strength':
    case 'x':
    case 'y': {
      const v = state[binding.target] ?? PAD_CENTRE;
      const g = binding.glue;
      if (g.control === 'absolute') return { kind: 'unit', value: invertAbsoluteGlue(g, v) };
      // A ring shows where the value sits in the encoder's range.
      const [lo, hi] = g.range;
      const t = clamp01((v - lo) / (hi - lo || 1));
      return { kind: 'unit', value: g.reverse ? 1 - t : t };
    }
    case 'bypass':
      return { kind: 'unit', value: state.bypass ? 1 : 0 };
    case 'term_a':
    case 'term_b':
    case 'corner': {
      const term = binding.target === 'corner' ? cornersOf(state)[binding.corner - 1]! : binding.target === 'term_a' ? state.termA : state.termB;
      if (binding.set.kind === 'text') return { kind: 'text', value: term };
      // A button that picks a fixed term is lit while that term is selected.
      if (binding.set.kind === 'fixed') return { kind: 'unit', value: term === binding.set.term ? 1 : 0 };
      return null;
    }
    default:
      return null;
  }
}

const RING_MODE: Readonly<Record<RingMode, number>> = { dot: 0, 'boost-cut': 1, wrap: 2, spread: 3 };

/** A Mackie-style ring byte: mode in bits 5-4, position 1..11 in bits 3-0 (0 would switch the ring off). */
export function ringByte(mode: RingMode, unit: number): number {
  return (RING_MODE[mode] << 4) | (1 + Math.round(clamp01(unit) * 10));
}

/** The position 0..1 a ring byte shows, or null for a dark ring. */
export function ringUnit(byte: number): number | null {
  const pos = byte & 0x0f;
  return pos === 0 ? null : Math.min(1, (pos - 1) / 10);
}

/** Splits packed 3-byte channel messages (as the target encoder packs them) into single messages. */
function splitMessages(bytes: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < bytes.length; i += 3) out.push(bytes.slice(i, i + 3));
  return out;
}

function midiFeedback(c: MidiControl, u: number): number[][] | null {
  const m = c.midi;
  const ch = m.channel;
  if (c.ring) return [[0xb0 | ch, c.ring.number, ringByte(c.ring.mode, u)]];
  const v7 = Math.round(u * 127);
  switch (m.type) {
    case 'cc':
      // A relative encoder without a declared ring takes its ring's value as the absolute value on its own CC.
      return splitMessages(midiBytes({ transport: 'midi', type: 'cc', channel: ch, number: m.number }, u));
    case 'cc14':
      return splitMessages(midiBytes({ transport: 'midi', type: 'cc14', channel: ch, msb: m.msb, lsb: m.lsb }, u));
    case 'nrpn':
      return splitMessages(midiBytes({ transport: 'midi', type: 'nrpn', channel: ch, number: m.number, bits: m.relative ? 7 : m.bits }, u));
    case 'note':
      return [[0x90 | ch, m.number, v7]];
    case 'pitchbend': {
      const v14 = Math.round(u * 16383);
      return [[0xe0 | ch, v14 & 0x7f, v14 >> 7]];
    }
    case 'program':
      return null; // a program change cannot be shown back
  }
}

function oscFeedback(c: OscControl, v: FeedbackValue): FeedbackWire | null {
  const o = c.osc;
  if (o.type === 'none') return null;
  if (o.type === 's') return v.kind === 'text' ? { transport: 'osc', address: o.address, type: 's', value: v.value } : null;
  if (v.kind !== 'unit' || o.type === 'ff') return null;
  const x = o.min + clamp01(v.value) * (o.max - o.min);
  return { transport: 'osc', address: o.address, type: o.type, value: o.type === 'i' ? Math.round(x) : Math.fround(x) };
}

/** The message that makes `control` show `value`, or null where it cannot (a word on a fader, a program change). */
export function encodeFeedback(control: Control, value: FeedbackValue): FeedbackWire | null {
  if (control.transport === 'osc') return oscFeedback(control, value);
  if (value.kind !== 'unit') return null;
  const messages = midiFeedback(control, clamp01(value.value));
  return messages ? { transport: 'midi', messages } : null;
}

/** A stable identity of a wire message, so feedback that would not change what a control shows is not sent. */
export function feedbackWireKey(w: FeedbackWire): string {
  return w.transport === 'midi' ? w.messages.map((m) => m.join(',')).join(';') : `${w.address} ${w.type} ${w.value}`;
}

/** What a control shows after it sent `event` itself: its own position or word. */
export function shownBy(event: ControlEvent): FeedbackValue | null {
  if (event.value.kind === 'text') return { kind: 'text', value: event.value.value };
  const u = toUnit(event.value);
  return u === null ? null : { kind: 'unit', value: u };
}

/** One step of a control's resolution in 0..1: a 7-bit CC moves 1/127, a pitch bend 1/16383, an OSC float 1/1000. */
export function controlStep(control: Control): number {
  return control.maxStep ? 1 / control.maxStep : 1e-3;
}

/**
 * Whether a control reporting `value` is echoing the position `sent` to it: within one step of where `sent` lands on
 * its grid. A 14-bit control reports its MSB first (decoded as MSB × 128, before the LSB refines it), so an MSB-only
 * report with the sent MSB is an echo too.
 */
export function isEchoOf(control: Control, value: ControlEvent['value'], sent: number): boolean {
  const u = toUnit(value);
  if (u === null) return false;
  if (Math.abs(u - sent) <= 1.5 * controlStep(control)) return true;
  const wide = control.transport === 'midi' && (control.midi.type === 'cc14' || (control.midi.type === 'nrpn' && control.midi.bits === 14));
  if (!wide || value.kind !== 'discrete' || value.max !== 16383) return false;
  return (value.step & 0x7f) === 0 && value.step >> 7 === Math.round(sent * 16383) >> 7;
}

/**
 * Whether `bytes` are a touch-sensitive fader's touch message, and which way: true touched, false released, null when
 * they are something else. A note-off or a value of 0 is a release.
 */
export function touchOf(control: MidiControl, bytes: readonly number[]): boolean | null {
  const t = control.touch;
  if (!t || bytes.length < 3) return null;
  const status = bytes[0]! & 0xf0;
  const ch = bytes[0]! & 0x0f;
  if (ch !== t.channel || bytes[1] !== t.number) return null;
  if (t.type === 'note' && (status === 0x90 || status === 0x80)) return status === 0x90 && bytes[2]! > 0;
  if (t.type === 'cc' && status === 0xb0) return bytes[2]! > 0;
  return null;
}
