// Turns an incoming OSC message into a control event by the controller profile's address table; pure.

import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { OscControl } from '../profiles/types.js';

export type OscControlResult = { readonly ok: true; readonly event: ControlEvent } | { readonly ok: false; readonly reason: 'unknown-address' | 'bad-argument'; readonly detail: string };

export interface OscMessageLike {
  readonly address: string;
  readonly args: readonly unknown[];
  readonly time?: number;
}

/** Index of a profile's OSC controls by address, built once per profile. */
export function oscAddressTable(controls: ReadonlyMap<string, OscControl>): Map<string, OscControl> {
  return new Map([...controls.values()].map((c) => [c.osc.address, c]));
}

function argValue(control: OscControl, args: readonly unknown[]): ControlValue | string {
  const spec = control.osc;
  if (spec.type === 'none') return { kind: 'discrete', step: 1, max: 1 };
  const a = args[0];
  if (spec.type === 's') return typeof a === 'string' ? { kind: 'text', value: a } : `expected a string, got ${typeof a}`;
  const n = typeof a === 'boolean' ? Number(a) : a;
  if (typeof n !== 'number' || !Number.isFinite(n)) return `expected a finite number, got ${String(a)}`;
  const span = spec.max - spec.min || 1;
  // Out-of-range values are clamped: a surface that overshoots its range still means its end.
  const unit = Math.min(1, Math.max(0, (n - spec.min) / span));
  // A reversed integer range (min > max) still has |max - min| steps; its direction is already in `unit`.
  const steps = Math.abs(spec.max - spec.min);
  return spec.type === 'i' && Number.isInteger(steps) ? { kind: 'discrete', step: Math.round(unit * steps), max: steps } : { kind: 'continuous', value: unit };
}

export function decodeOscControl(input: string, table: ReadonlyMap<string, OscControl>, msg: OscMessageLike): OscControlResult {
  const control = table.get(msg.address);
  if (!control) return { ok: false, reason: 'unknown-address', detail: msg.address };
  const value = argValue(control, msg.args);
  if (typeof value === 'string') return { ok: false, reason: 'bad-argument', detail: `${msg.address}: ${value}` };
  const raw = msg.args.filter((a): a is number | string => typeof a === 'number' || typeof a === 'string');
  return { ok: true, event: { input, control: control.id, value, raw, time: msg.time ?? performance.now() } };
}
