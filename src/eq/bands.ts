// The 5-band parametric EQ layout (SAFE-DB's equaliser): band kinds, physical ranges and parameter order, defined once.

import { clamp, type Db, type Hz, type Q } from './units.js';

export type BandType = 'lowshelf' | 'peaking' | 'highshelf';

export interface Band {
  readonly type: BandType;
  readonly gain: Db;
  readonly freq: Hz;
  readonly q: Q;
}

/** Five bands, always in the order low shelf, peaking x3 (ascending frequency), high shelf. */
export type EqSettings = readonly [Band, Band, Band, Band, Band];

export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface BandSpec {
  readonly type: BandType;
  readonly freq: Range;
  /** A fixed Q (shelves) or null where Q is a free parameter. */
  readonly fixedQ: number | null;
  /** The band's gain range where it is not eqmorph's GAIN_RANGE (another EQ's bands, e.g. +-15 dB). */
  readonly gain?: Range;
  /** The band's Q range where it is not eqmorph's Q_RANGE. */
  readonly q?: Range;
  /** The values the device can hold for each parameter, where it holds only some (a desk's steps); absent: any. */
  readonly steps?: { readonly gain?: ParamSteps; readonly freq?: ParamSteps; readonly q?: ParamSteps };
}

/** The values of a stepped scale: `count` values from min to max, evenly spaced (linear) or in equal ratios (log). */
export interface ParamSteps {
  readonly kind: 'linear' | 'log';
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

export const GAIN_RANGE: Range = { min: -12, max: 12 };
export const Q_RANGE: Range = { min: 0.1, max: 10 };
/** The SAFE plug-in's shelves use a fixed Q. */
export const SHELF_Q = 0.71;

export const BAND_SPECS: readonly BandSpec[] = [
  { type: 'lowshelf', freq: { min: 22, max: 1000 }, fixedQ: SHELF_Q },
  { type: 'peaking', freq: { min: 82, max: 3900 }, fixedQ: null },
  { type: 'peaking', freq: { min: 180, max: 4700 }, fixedQ: null },
  { type: 'peaking', freq: { min: 220, max: 10000 }, fixedQ: null },
  { type: 'highshelf', freq: { min: 580, max: 20000 }, fixedQ: SHELF_Q },
];

export const BAND_COUNT = 5;

export type ParamKind = 'gain' | 'freq' | 'q';

export interface ParamSpec {
  readonly band: number;
  readonly kind: ParamKind;
  readonly range: Range;
  /** Name used in tables and JSON keys, e.g. "b2.freq". */
  readonly name: string;
}

/**
 * The 13 free parameters in the order of SAFE-DB's columns 5..17:
 * low shelf gain, freq; peaking 1..3 gain, freq, Q; high shelf gain, freq.
 */
export const PARAMS: readonly ParamSpec[] = BAND_SPECS.flatMap((spec, band) => {
  const params: ParamSpec[] = [
    { band, kind: 'gain', range: GAIN_RANGE, name: `b${band + 1}.gain` },
    { band, kind: 'freq', range: spec.freq, name: `b${band + 1}.freq` },
  ];
  if (spec.fixedQ === null) params.push({ band, kind: 'q', range: Q_RANGE, name: `b${band + 1}.q` });
  return params;
});

export const PARAM_COUNT = PARAMS.length; // 13

/** Flat parameter vector (length PARAM_COUNT, physical units) to typed bands. */
export function paramsToBands(v: ArrayLike<number>): EqSettings {
  if (v.length !== PARAM_COUNT) throw new RangeError(`expected ${PARAM_COUNT} parameters, got ${v.length}`);
  let i = 0;
  const bands = BAND_SPECS.map((spec): Band => {
    const gain = v[i++]! as Db;
    const freq = v[i++]! as Hz;
    const qv = (spec.fixedQ === null ? v[i++]! : spec.fixedQ) as Q;
    return { type: spec.type, gain, freq, q: qv };
  });
  return bands as unknown as EqSettings;
}

/** Typed bands to the flat parameter vector. */
export function bandsToParams(bands: EqSettings): number[] {
  const out: number[] = [];
  bands.forEach((b, i) => {
    out.push(b.gain, b.freq);
    if (BAND_SPECS[i]!.fixedQ === null) out.push(b.q);
  });
  return out;
}

export function inRange(v: ArrayLike<number>): boolean {
  return PARAMS.every((p, i) => Number.isFinite(v[i]) && v[i]! >= p.range.min && v[i]! <= p.range.max);
}

/** Scales every gain toward 0 dB: strength 1 leaves the EQ as it is, 0 makes it flat. Any band layout. */
export function applyStrength<B extends readonly Band[]>(bands: B, strength: number): B {
  const s = clamp(strength, 0, 1);
  // + 0 turns the -0 of a negative gain at strength 0 into 0: a flat EQ reads 0 dB everywhere.
  return bands.map((b) => ({ ...b, gain: (b.gain * s + 0) as Db })) as unknown as B;
}
