// Turns the bridge's state into what the page draws: curves, bands, map points, transport health, the log — pure.

import type { ControlEvent } from '../codecs/control-value.js';
import { GAIN_RANGE, type Band } from '../eq/bands.js';
import { logGrid } from '../eq/grid.js';
import { responseDb } from '../eq/response.js';
import { morphBands, type MorphDecoder, type MorphState } from '../morph/morph-state.js';
import type { MorphInstance } from '../profiles/types.js';
import type { TransportCounters, TransportStatus } from '../transports/transport.js';
import type { LatentMap } from './latent-map.js';

/** Where the page's curve is evaluated: enough points for a smooth line a few hundred pixels wide, few enough to send 60 times a second. */
export const CURVE_FREQS: readonly number[] = Array.from(logGrid(160, 20, 20000));

/** Log lines kept for the page. */
export const LOG_LINES = 40;

export type Point = readonly [number, number];

export interface InstanceView {
  readonly name: string;
  readonly output: string;
  readonly termA: string;
  readonly termB: string;
  readonly alpha: number;
  readonly strength: number;
  readonly bypass: boolean;
  readonly bands: readonly Band[];
  /** dB at each of CURVE_FREQS. */
  readonly curve: readonly number[];
  /** The bands and curve are what the desk holds (an output with on_desk_edit: follow), not eqmorph's decode. */
  readonly fromDesk?: true;
  /** The morph's point on the latent map, and its two ends. */
  readonly point: Point;
  readonly a: Point;
  readonly b: Point;
}

export interface TransportEntry {
  readonly name: string;
  readonly role: 'in' | 'out';
  readonly kind: 'osc' | 'midi' | 'rcp';
  readonly endpoint: string;
}

export interface TransportView extends TransportEntry {
  readonly state: TransportStatus['state'];
  readonly detail?: string;
  /** Messages per second in and out over the last sampling interval. */
  readonly inRate: number;
  readonly outRate: number;
  readonly counters: TransportCounters;
}

export interface LogLine {
  /** Wall-clock milliseconds. */
  readonly time: number;
  readonly level: 'info' | 'warn';
  readonly text: string;
}

export interface HelloMessage {
  readonly type: 'hello';
  readonly terms: readonly string[];
  readonly freqs: readonly number[];
  readonly gainRange: readonly [number, number];
  readonly map: { readonly points: LatentMap['points']; readonly explained: number };
}

export interface FrameMessage {
  readonly type: 'state';
  readonly instances: readonly InstanceView[];
  readonly transports: readonly TransportView[];
  readonly log: readonly LogLine[];
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f + 0;
};

export function helloMessage(terms: readonly string[], map: LatentMap): HelloMessage {
  return {
    type: 'hello',
    terms,
    freqs: CURVE_FREQS.map((f) => round(f, 2)),
    gainRange: [GAIN_RANGE.min, GAIN_RANGE.max],
    map: { points: map.points.map((p) => ({ term: p.term, x: round(p.x, 4), y: round(p.y, 4) })), explained: round(map.explained, 3) },
  };
}

/** One instance as the page shows it; the curve comes from the same cookbook math as every other response in eqmorph. */
export function instanceView(
  inst: MorphInstance,
  state: MorphState,
  decoder: MorphDecoder,
  map: LatentMap,
  centroid: (term: string) => readonly number[] | undefined,
  desk: readonly Band[] | null = null,
): InstanceView {
  // An output that follows its desk shows what the desk holds (an engineer's edit included), not what eqmorph decoded.
  const bands = desk ?? morphBands(state, decoder);
  const curve = responseDb(bands, CURVE_FREQS);
  const at = (term: string): Point => {
    const z = centroid(term);
    return z ? map.project(z) : [0, 0];
  };
  const a = at(state.termA);
  const b = at(state.termB);
  // The morph is a straight line in the latent space and the projection is linear, so the point is on the segment.
  const point: Point = [a[0] + state.alpha * (b[0] - a[0]), a[1] + state.alpha * (b[1] - a[1])];
  return {
    name: inst.name,
    output: inst.output,
    termA: state.termA,
    termB: state.termB,
    alpha: state.alpha,
    strength: state.strength,
    bypass: state.bypass,
    bands: bands.map((x) => ({ type: x.type, gain: round(x.gain, 2), freq: round(x.freq, 1), q: round(x.q, 3) }) as Band),
    curve: Array.from(curve, (db) => round(db, 2)),
    ...(desk ? { fromDesk: true } : {}),
    point: [round(point[0], 4), round(point[1], 4)],
    a: [round(a[0], 4), round(a[1], 4)],
    b: [round(b[0], 4), round(b[1], 4)],
  };
}

export interface CounterSample {
  /** Milliseconds, any clock. */
  readonly time: number;
  readonly counters: readonly TransportCounters[];
}

/** Messages per second per transport between two samples; zero when there is no earlier sample or no time passed. */
export function messageRates(prev: CounterSample | null, next: CounterSample): { readonly inRate: number; readonly outRate: number }[] {
  const dt = prev ? (next.time - prev.time) / 1000 : 0;
  return next.counters.map((c, i) => {
    const p = prev?.counters[i];
    if (!p || dt <= 0) return { inRate: 0, outRate: 0 };
    // A counter never goes back, but a reopened transport may start again from zero: never show a negative rate.
    return { inRate: round(Math.max(0, c.in - p.in) / dt, 1), outRate: round(Math.max(0, c.out - p.out) / dt, 1) };
  });
}

export function transportViews(
  entries: readonly TransportEntry[],
  statuses: readonly TransportStatus[],
  sample: CounterSample,
  rates: readonly { readonly inRate: number; readonly outRate: number }[],
): TransportView[] {
  return entries.map((e, i) => {
    const s = statuses[i] ?? { state: 'closed' as const };
    const r = rates[i] ?? { inRate: 0, outRate: 0 };
    const counters = sample.counters[i] ?? { in: 0, out: 0, dropped: 0, errors: 0, reconnects: 0 };
    return { ...e, state: s.state, ...(s.detail !== undefined ? { detail: s.detail } : {}), inRate: r.inRate, outRate: r.outRate, counters };
  });
}

/** A control's value as a person reads it: on/off for a button, a step with its share of the range, a signed tick count. */
function describeValue(e: ControlEvent): string {
  const v = e.value;
  switch (v.kind) {
    case 'continuous':
      return round(v.value, 3).toString();
    case 'discrete':
      if (v.max === 1) return v.step === 1 ? 'on' : 'off';
      return `${v.step} of ${v.max} (${round(v.step / v.max, 2)})`;
    case 'relative':
      return `${v.delta > 0 ? '+' : ''}${v.delta} step${Math.abs(v.delta) === 1 ? '' : 's'}`;
    case 'text':
      return JSON.stringify(v.value);
  }
}

export function eventLine(e: ControlEvent, time: number): LogLine {
  return { time, level: 'info', text: `${e.input}.${e.control} ${describeValue(e)}` };
}



export function frameMessage(
  instances: readonly MorphInstance[],
  states: ReadonlyMap<string, MorphState>,
  decoder: MorphDecoder,
  map: LatentMap,
  centroid: (term: string) => readonly number[] | undefined,
  transports: readonly TransportView[],
  log: readonly LogLine[],
  desk: (inst: MorphInstance) => readonly Band[] | null = () => null,
): FrameMessage {
  const views = instances.flatMap((inst) => {
    const s = states.get(inst.name);
    return s ? [instanceView(inst, s, decoder, map, centroid, desk(inst))] : [];
  });
  return { type: 'state', instances: views, transports, log };
}
