// Unit-carrying number types: a value's unit is part of its type, so dB never meets Hz by accident.

declare const unit: unique symbol;
type Unit<Name extends string> = number & { readonly [unit]: Name };

/** Gain in decibels. */
export type Db = Unit<'dB'>;
/** Frequency in hertz. */
export type Hz = Unit<'Hz'>;
/** Quality factor (dimensionless, > 0). */
export type Q = Unit<'Q'>;
/** Blend between term A (0) and term B (1). */
export type Alpha = Unit<'alpha'>;
/** A value in [0, 1]. */
export type NormalRange = Unit<'normal'>;

export const db = (x: number): Db => x as Db;
export const hz = (x: number): Hz => x as Hz;
export const q = (x: number): Q => x as Q;
export const alpha = (x: number): Alpha => x as Alpha;
export const normal = (x: number): NormalRange => x as NormalRange;

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Distance between two frequencies (or two Qs) in octaves. */
export function octaves(a: number, b: number): number {
  return Math.abs(Math.log2(a / b));
}
