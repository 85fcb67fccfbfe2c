// Reads what a desk reports about its EQ (an address and a value) back through the target profile's own tables; pure.

import { SHELF_Q, type Band, type ParamKind } from '../eq/bands.js';
import { formatAddress } from '../profiles/endpoints.js';
import type { MorphInstance, TargetProfile, TargetScaling, TargetWire } from '../profiles/types.js';

export type ReportedKind = ParamKind | 'type';

/** One reportable parameter of one instance: the key the encoder sends it under, and how to read its wire value. */
export interface ReportEntry {
  readonly instance: string;
  /** The encoder's de-duplication key (`<instance>/b<band>/<kind>`), so a report meets what was sent for the same thing. */
  readonly key: string;
  readonly band: number;
  readonly kind: ReportedKind;
  readonly address: string;
  /** Scaling of a gain, freq or q; null for a band type. */
  readonly scaling: TargetScaling | null;
  /** For a band type: the wire value of each type the target knows. */
  readonly typeValues: Readonly<Record<string, number | string | undefined>> | null;
  /** Two wire values closer than this are the same setting (half a step of the target's grid). */
  readonly tolerance: number;
}

/** Half a step of a stepped 0..1 scaling; a float's rounding for anything else. */
function toleranceOf(scaling: TargetScaling | null): number {
  if (scaling && (scaling.kind === 'linear' || scaling.kind === 'log') && scaling.steps && scaling.steps > 1) return 0.5 / (scaling.steps - 1);
  if (scaling && scaling.kind === 'table' && scaling.values.length > 1) return 0.5 / (scaling.values.length - 1);
  if (scaling && scaling.kind === 'fixed-point') return 0.5;
  return 1e-6;
}

/**
 * Every address a target reports for the given instances, with what it stands for. Only OSC parameters are reportable
 * (a desk reports at the address it is set at); the target's `reports.parameters` says which kinds it reports.
 */
export function reportTable(target: TargetProfile, instances: readonly Pick<MorphInstance, 'name' | 'index'>[]): Map<string, ReportEntry> {
  const table = new Map<string, ReportEntry>();
  const kinds = target.reports?.parameters;
  if (!kinds) return table;
  const add = (inst: Pick<MorphInstance, 'name' | 'index'>, band: number, kind: ReportedKind, wire: TargetWire, scaling: TargetScaling | null, typeValues: ReportEntry['typeValues']) => {
    if (wire.transport !== 'osc' || !kinds.has(kind)) return;
    const address = formatAddress(wire.address, { instance: inst.index, band });
    table.set(address, { instance: inst.name, key: `${inst.name}/b${band}/${kind}`, band, kind, address, scaling, typeValues, tolerance: toleranceOf(scaling) });
  };
  for (const inst of instances) {
    for (const b of target.bands) {
      if (b.bandType) add(inst, b.number, 'type', b.bandType.wire, null, b.bandType.values);
      for (const kind of ['gain', 'freq', 'q'] as const) {
        const p = b.params[kind];
        if (p) add(inst, b.number, kind, p.wire, p.scaling, null);
      }
    }
  }
  return table;
}

/** The inverse of encode-target's `scaleToWire`: a wire value back to dB, Hz or Q (the step it stands for). */
export function wireToPhysical(s: TargetScaling, wire: number): number {
  switch (s.kind) {
    case 'physical':
      return wire;
    case 'linear':
    case 'log': {
      const u = Math.min(1, Math.max(0, s.invert ? 1 - wire : wire));
      return s.kind === 'linear' ? s.min + u * (s.max - s.min) : s.min * (s.max / s.min) ** u;
    }
    case 'table': {
      const i = Math.round(Math.min(1, Math.max(0, wire)) * (s.values.length - 1));
      return s.values[i]!;
    }
    case 'fixed-point':
      return wire / s.factor;
  }
}

/** Whether two wire values of one parameter are the same setting on the target. */
export function sameSetting(entry: ReportEntry, a: number | string, b: number | string): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= entry.tolerance;
  return String(a) === String(b);
}

/** A report in words for the log: `ch1 band 2 gain +3.00 dB`. */
export function describeReport(entry: ReportEntry, value: number | string): string {
  const what = `${entry.instance} band ${entry.band} ${entry.kind}`;
  if (entry.kind === 'type' || typeof value !== 'number' || !entry.scaling) {
    const name = entry.typeValues ? Object.entries(entry.typeValues).find(([, v]) => String(v) === String(value))?.[0] : undefined;
    return `${what} ${name ?? String(value)}`;
  }
  const v = wireToPhysical(entry.scaling, value);
  if (entry.kind === 'gain') return `${what} ${v >= 0 ? '+' : ''}${v.toFixed(2)} dB`;
  if (entry.kind === 'freq') return `${what} ${v >= 1000 ? `${(v / 1000).toFixed(2)} kHz` : `${v.toFixed(1)} Hz`}`;
  return `${what} ${v.toFixed(2)}`;
}

/**
 * The bands an instance's desk holds, read from the last wire values known for each parameter (sent by eqmorph,
 * answered to its queries, or reported as edits); null until every gain, frequency and Q of the target is known.
 */
export function deskBands(target: TargetProfile, instance: string, values: ReadonlyMap<string, number | string>): Band[] | null {
  const bands: Band[] = [];
  for (const b of target.bands) {
    const read = (kind: ParamKind): number | null => {
      const p = b.params[kind];
      const v = values.get(`${instance}/b${b.number}/${kind}`);
      return p && typeof v === 'number' ? wireToPhysical(p.scaling, v) : null;
    };
    const [gain, freq, q] = [read('gain'), read('freq'), b.params.q ? read('q') : SHELF_Q];
    if (gain === null || freq === null || q === null) return null;
    bands.push({ type: b.type, gain, freq, q } as Band);
  }
  return bands;
}
