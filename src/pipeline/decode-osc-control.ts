// Turns an incoming OSC message into a control event by the controller profile's address table; pure.

import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { OscControl } from '../profiles/types.js';

/** `clamped`: the number lay outside the control's min..max and was moved to the nearest end (policy `clamp`). */
export type OscControlResult =
  | { readonly ok: true; readonly event: ControlEvent; readonly clamped: boolean }
  | { readonly ok: false; readonly reason: 'unknown-address' | 'bad-argument' | 'out-of-range'; readonly detail: string };

export interface OscMessageLike {
  readonly address: string;
  readonly args: readonly unknown[];
  readonly time?: number;
}

/** Index of a profile's OSC controls by address, built once per profile. */
export function oscAddressTable(controls: ReadonlyMap<string, OscControl>): Map<string, OscControl> {
  return new Map([...controls.values()].map((c) => [c.osc.address, c]));
}

type ArgResult = { readonly value: ControlValue; readonly clamped: boolean } | { readonly refused: 'bad-argument' | 'out-of-range'; readonly why: string };

function argValue(control: OscControl, args: readonly unknown[]): ArgResult {
  const spec = control.osc;
  if (spec.type === 'none') return { value: { kind: 'discrete', step: 1, max: 1 }, clamped: false };
  const a = args[0];
  if (spec.type === 'ff') return pointValue(control, spec, args);
  if (spec.type === 's') return typeof a === 'string' ? { value: { kind: 'text', value: a }, clamped: false } : { refused: 'bad-argument', why: `expected a string, got ${typeof a}` };
  const n = typeof a === 'boolean' ? Number(a) : a;
  if (typeof n !== 'number' || !Number.isFinite(n)) return { refused: 'bad-argument', why: `expected a finite number, got ${String(a)}` };
  const span = spec.max - spec.min || 1;
  const raw = (n - spec.min) / span;
  const outside = raw < 0 || raw > 1;
  // A surface that overshoots its range usually still means its end (clamp); a profile may say such values are noise (ignore).
  if (outside && control.outOfRange === 'ignore') return { refused: 'out-of-range', why: `${n} is outside ${spec.min}..${spec.max}` };
  const unit = Math.min(1, Math.max(0, raw));
  // A reversed integer range (min > max) still has |max - min| steps; its direction is already in `unit`.
  const steps = Math.abs(spec.max - spec.min);
  const value: ControlValue =
    spec.type === 'i' && Number.isInteger(steps) ? { kind: 'discrete', step: Math.round(unit * steps), max: steps } : { kind: 'continuous', value: unit };
  return { value, clamped: outside };
}

/** Both numbers of an XY pad's message, each scaled from min..max and checked like a single float; NaN refuses the whole message. */
function pointValue(control: OscControl, spec: { readonly min: number; readonly max: number }, args: readonly unknown[]): ArgResult {
  const [a, b] = args.slice(0, 2).map((v) => (typeof v === 'boolean' ? Number(v) : v));
  if (typeof a !== 'number' || typeof b !== 'number' || !Number.isFinite(a) || !Number.isFinite(b)) {
    return { refused: 'bad-argument', why: `expected two finite numbers, got ${args.slice(0, 2).map(String).join(', ') || 'none'}` };
  }
  const span = spec.max - spec.min || 1;
  const [rx, ry] = [(a - spec.min) / span, (b - spec.min) / span];
  const outside = rx < 0 || rx > 1 || ry < 0 || ry > 1;
  if (outside && control.outOfRange === 'ignore') return { refused: 'out-of-range', why: `${a}, ${b} is outside ${spec.min}..${spec.max}` };
  const unit = (r: number) => Math.min(1, Math.max(0, r));
  return { value: { kind: 'point', x: unit(rx), y: unit(ry) }, clamped: outside };
}

export function decodeOscControl(input: string, table: ReadonlyMap<string, OscControl>, msg: OscMessageLike): OscControlResult {
  const control = table.get(msg.address);
  if (!control) return { ok: false, reason: 'unknown-address', detail: msg.address };
  const r = argValue(control, msg.args);
  if ('refused' in r) return { ok: false, reason: r.refused, detail: `${msg.address}: ${r.why}` };
  const raw = msg.args.filter((a): a is number | string => typeof a === 'number' || typeof a === 'string');
  return { ok: true, event: { input, control: control.id, value: r.value, raw, time: msg.time ?? performance.now() }, clamped: r.clamped };
}
