// The one value vocabulary of the pipeline: every decoded control movement is one of these kinds.

/**
 * - `continuous`: an absolute position in [0, 1] (a fader, a 14-bit CC, an OSC float with a declared range).
 * - `discrete`: an absolute step of a known maximum, so a 7-bit CC keeps its identity (step 64 of 127).
 * - `relative`: an increment in steps (an endless encoder); positive is clockwise/up.
 * - `text`: a word (an OSC string naming a term).
 * - `point`: two absolute positions at once (an XY pad's OSC message with two floats).
 */
export type ControlValue =
  | { readonly kind: 'continuous'; readonly value: number }
  | { readonly kind: 'discrete'; readonly step: number; readonly max: number }
  | { readonly kind: 'relative'; readonly delta: number }
  | { readonly kind: 'text'; readonly value: string }
  /** Two absolute positions in [0, 1] sent together (an XY pad: x left to right, y bottom to top). */
  | { readonly kind: 'point'; readonly x: number; readonly y: number };

/** A decoded, typed control movement: which control of which device moved, to what, and what arrived on the wire. */
export interface ControlEvent {
  /** Name of the input (transport instance) it arrived on, as named in the mapping. */
  readonly input: string;
  /** The control's id in the device profile, e.g. "fader1", "knob3", "/eqmorph/alpha". */
  readonly control: string;
  readonly value: ControlValue;
  /** The raw MIDI bytes or OSC arguments, for logs and the monitor. */
  readonly raw: readonly (number | string)[];
  /** Arrival time, performance.now() milliseconds. */
  readonly time: number;
}

/** The absolute position in [0, 1] of an absolute value, or null for relative and text values. */
export function toUnit(v: ControlValue): number | null {
  switch (v.kind) {
    case 'continuous':
      return v.value;
    case 'discrete':
      return v.max > 0 ? v.step / v.max : 0;
    default:
      return null;
  }
}
