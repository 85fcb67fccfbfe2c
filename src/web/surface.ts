// The page as a control surface: its bindings for every morph instance, and page commands turned into control events — pure.

import type { ControlEvent, ControlValue } from '../codecs/control-value.js';
import type { Binding, Mapping, MorphInstance } from '../profiles/types.js';

/** The input name the page's controls arrive on, as a hardware surface's would. */
export const WEB_INPUT = 'web';

export type WebControl = 'alpha' | 'strength' | 'termA' | 'termB' | 'bypass' | PadControl;

/** The XY pad panel's controls and the sound map's: they put the instance on the pad or the map, as hardware would. */
export type PadControl = 'x' | 'y' | 'xy' | 'map' | 'corner1' | 'corner2' | 'corner3' | 'corner4';

const CORNER_CONTROLS = ['corner1', 'corner2', 'corner3', 'corner4'] as const;

/** A control of the page is named after the instance it drives, so one page can play every instance. */
export const webControlId = (instance: string, control: WebControl) => `${instance}/${control}`;

function surfaceBindings(inst: MorphInstance): Binding[] {
  const source = (control: WebControl, value: Binding['source']['value']) => ({ input: WEB_INPUT, control: webControlId(inst.name, control), value });
  // The page shows the current value, so its controls always start where the state is: jump is right, pickup would stall.
  const fader = { control: 'absolute', takeover: 'jump', curve: { kind: 'linear' }, reverse: false, range: [0, 1] } as const;
  return [
    { source: source('alpha', 'continuous'), target: 'alpha', glue: fader },
    { source: source('strength', 'continuous'), target: 'strength', glue: fader },
    { source: source('termA', 'text'), target: 'term_a', set: { kind: 'text' } },
    { source: source('termB', 'text'), target: 'term_b', set: { kind: 'text' } },
    { source: source('bypass', 'continuous'), target: 'bypass', mode: 'set' },
    { source: source('x', 'continuous'), target: 'x', glue: fader },
    { source: source('y', 'continuous'), target: 'y', glue: fader },
    { source: source('xy', 'point'), target: 'xy' },
    { source: source('map', 'point'), target: 'map' },
    ...CORNER_CONTROLS.map((c, i): Binding => ({ source: source(c, 'text'), target: 'corner', corner: (i + 1) as 1 | 2 | 3 | 4, set: { kind: 'text' } })),
  ];
}

/** The mapping with the page's bindings added to every instance; the user's own bindings come first and stay untouched. */
export function withWebSurface(mapping: Mapping): Mapping {
  return { ...mapping, instances: mapping.instances.map((inst) => ({ ...inst, bindings: [...inst.bindings, ...surfaceBindings(inst)] })) };
}

export type PageCommandResult = { readonly ok: true; readonly event: ControlEvent } | { readonly ok: false; readonly reason: string };

const CONTROLS: readonly WebControl[] = ['alpha', 'strength', 'termA', 'termB', 'bypass', 'x', 'y', 'xy', 'map', ...CORNER_CONTROLS];

const unitOf = (n: number) => Math.min(1, Math.max(0, n));

/**
 * A message from the page, `{"type":"set","instance","control","value"}`, as the control event a hardware control
 * would have produced. Anything else is refused with a reason; nothing from the page is trusted before this.
 */
export function pageCommand(text: string, instances: readonly string[], time: number): PageCommandResult {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof msg !== 'object' || msg === null) return { ok: false, reason: 'not an object' };
  const { type, instance, control, value } = msg as Record<string, unknown>;
  if (type !== 'set') return { ok: false, reason: `unknown message type ${JSON.stringify(type)}` };
  if (typeof instance !== 'string' || !instances.includes(instance)) return { ok: false, reason: `unknown instance ${JSON.stringify(instance)}` };
  if (typeof control !== 'string' || !CONTROLS.includes(control as WebControl)) return { ok: false, reason: `unknown control ${JSON.stringify(control)}` };
  let v: ControlValue;
  if (control === 'xy' || control === 'map') {
    const ok = Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!ok) return { ok: false, reason: `${control} needs two numbers [x, y], each 0..1` };
    v = { kind: 'point', x: unitOf(value[0] as number), y: unitOf(value[1] as number) };
  } else if (control === 'termA' || control === 'termB' || (CORNER_CONTROLS as readonly string[]).includes(control)) {
    if (typeof value !== 'string' || value.trim() === '') return { ok: false, reason: `${control} needs a word` };
    v = { kind: 'text', value };
  } else if (control === 'bypass') {
    if (typeof value !== 'boolean') return { ok: false, reason: 'bypass needs true or false' };
    v = { kind: 'continuous', value: value ? 1 : 0 };
  } else {
    if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: `${control} needs a number 0..1` };
    v = { kind: 'continuous', value: unitOf(value) };
  }
  const raw = v.kind === 'continuous' || v.kind === 'text' ? [v.value] : v.kind === 'point' ? [v.x, v.y] : [];
  return { ok: true, event: { input: WEB_INPUT, control: webControlId(instance, control as WebControl), value: v, raw, time } };
}
