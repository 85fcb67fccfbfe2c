// Tells from a short sample of MIDI messages which kind of control sent them (for `eqmorph learn`); pure.

import type { MidiControlMessage, RelativeEncoding } from '../profiles/types.js';

/** A learned control: its profile message (channel 0..15) and, for a motor fader, the touch note seen with it. */
export interface LearnedMidiControl {
  readonly midi: MidiControlMessage;
  readonly touch?: { readonly type: 'note'; readonly channel: number; readonly number: number };
  /** Said to the user: what was ambiguous in the sample, e.g. an encoder turned one way only. */
  readonly note?: string;
}

const isCc = (m: readonly number[]) => (m[0]! & 0xf0) === 0xb0;
const isNote = (m: readonly number[]) => (m[0]! & 0xf0) === 0x90 || (m[0]! & 0xf0) === 0x80;
const channelOf = (m: readonly number[]) => m[0]! & 0x0f;

/**
 * Which relative convention explains a run of 7-bit values, or null if they look absolute. Encoders send small
 * increments, so their values cluster near 1/127 (two's complement), 65/63 (offset 64) or 1/65 (sign-magnitude), and
 * repeat; an absolute control walks through distinct values and sends 0 and 64 like any other.
 */
export function relativeConvention(values: readonly number[]): { encoding: RelativeEncoding; sure: boolean } | null {
  if (values.length < 3) return null;
  const low = (v: number) => v >= 1 && v <= 15; // +1..+15 in two's complement and sign-magnitude
  const high = (v: number) => v >= 113 && v <= 127; // -15..-1 in two's complement
  const above64 = (v: number) => v >= 65 && v <= 79; // +1..+15 offset 64, -1..-15 sign-magnitude
  const below64 = (v: number) => v >= 49 && v <= 63; // -15..-1 offset 64
  if (!values.every((v) => low(v) || high(v) || above64(v) || below64(v))) return null;
  if (new Set(values).size > Math.max(2, values.length / 2)) return null;
  const has = (p: (v: number) => boolean) => values.some(p);
  if (has(below64)) return has(low) || has(high) ? null : { encoding: 'offset-64', sure: true };
  if (has(high)) return has(above64) ? null : { encoding: 'twos-complement', sure: true };
  if (has(low) && has(above64)) return { encoding: 'sign-magnitude', sure: true };
  // Turned one way only: 1s fit two's complement and sign-magnitude alike, 65s offset 64 (+1) and sign-magnitude (-1).
  return has(low) ? { encoding: 'twos-complement', sure: false } : { encoding: 'offset-64', sure: false };
}

function withConvention(values: readonly number[]): { relative?: RelativeEncoding; note?: string } {
  const r = relativeConvention(values);
  if (!r) return {};
  return r.sure ? { relative: r.encoding } : { relative: r.encoding, note: 'the encoder was turned one way only; turn it both ways to be sure of its convention' };
}

/**
 * The control a sample of messages came from, judged by what dominates it: NRPN (CC 99/98 then 6/38), a 14-bit CC pair
 * (MSB n with LSB n + 32), a 7-bit CC (absolute or relative), pitch bend (with its touch note when one came along),
 * a note, or a program change. Null when nothing in the sample is a channel message eqmorph reads.
 */
export function classifyMidiSample(messages: readonly (readonly number[])[]): LearnedMidiControl | null {
  const voice = messages.filter((m) => m.length >= 2 && m[0]! >= 0x80 && m[0]! < 0xf0);
  const bend = voice.find((m) => (m[0]! & 0xf0) === 0xe0);
  if (bend) {
    const ch = channelOf(bend);
    // A touch-sensitive motor fader sends a note as the hand lands, then its position as pitch bend.
    const touch = voice.find((m) => isNote(m) && channelOf(m) === ch);
    return { midi: { type: 'pitchbend', channel: ch }, ...(touch ? { touch: { type: 'note', channel: ch, number: touch[1]! } } : {}) };
  }
  const first = voice[0];
  if (!first) return null;
  const ch = channelOf(first);
  const status = first[0]! & 0xf0;
  if (status === 0xc0) return { midi: { type: 'program', channel: ch } };
  if (isNote(first)) return { midi: { type: 'note', channel: ch, number: first[1]! } };
  if (status !== 0xb0) {
    const cc = voice.find(isCc);
    return cc ? classifyMidiSample(voice.slice(voice.indexOf(cc))) : null;
  }
  const ccs = voice.filter((m) => isCc(m) && channelOf(m) === ch);
  const numbers = new Set(ccs.map((m) => m[1]!));
  const valuesOf = (n: number) => ccs.filter((m) => m[1] === n).map((m) => m[2] ?? 0);
  if (numbers.has(99) && numbers.has(98) && numbers.has(6)) {
    const number = ((valuesOf(99)[0] ?? 0) << 7) | (valuesOf(98)[0] ?? 0);
    if (numbers.has(38)) return { midi: { type: 'nrpn', channel: ch, number, bits: 14 } };
    const conv = withConvention(valuesOf(6));
    return { midi: { type: 'nrpn', channel: ch, number, bits: 7, ...(conv.relative ? { relative: conv.relative } : {}) }, ...(conv.note ? { note: conv.note } : {}) };
  }
  // The most frequent controller number is the control; a partner 32 above it makes it a 14-bit pair.
  const counts = [...numbers].map((n) => [n, valuesOf(n).length] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  let main = counts[0]![0];
  if (main >= 32 && main < 64 && numbers.has(main - 32)) main -= 32;
  if (main < 32 && numbers.has(main + 32)) return { midi: { type: 'cc14', channel: ch, msb: main, lsb: main + 32 } };
  const conv = withConvention(valuesOf(main));
  return { midi: { type: 'cc', channel: ch, number: main, ...(conv.relative ? { relative: conv.relative } : {}) }, ...(conv.note ? { note: conv.note } : {}) };
}
