// Generators for fader-like values (alpha, strength, any 0..1 position): spread over the whole travel, not piled at 0;
// and for EQ frequencies and Qs, uniform in log over their range.
import fc from 'fast-check';

/**
 * Alpha samples of a pair table (the shipped decoder's default). Tests holding a decoder pass its own `steps`; this
 * default only decides which points are drawn more often, never what is asserted.
 */
export const TABLE_STEPS = 129;

/**
 * Uniform over [0, 1) at full double resolution. `fc.double({ min: 0, max: 1 })` draws uniformly over the doubles,
 * not over the interval, so about nine draws in ten land below 1e-3: a property "for any alpha" then checks one end.
 */
export const uniformUnit: fc.Arbitrary<number> = fc
  .tuple(fc.integer({ min: 0, max: 2 ** 26 - 1 }), fc.integer({ min: 0, max: 2 ** 27 - 1 }))
  .map(([hi, lo]) => (hi * 2 ** 27 + lo) / 2 ** 53);

export interface FaderOptions {
  /** The range's ends; 0 and 1 unless given. */
  readonly min?: number;
  readonly max?: number;
  /** Sample points of a pair table over the range, i / (steps - 1), drawn often (their neighbourhood is where a table read can be off by one). */
  readonly steps?: number;
}

/**
 * A position over [min, max]: mostly uniform, often exactly an end, a table sample point, or just beside one.
 * Shrinks toward `min`.
 */
export function fader(opts: FaderOptions = {}): fc.Arbitrary<number> {
  const { min = 0, max = 1, steps = TABLE_STEPS } = opts;
  const at = (u: number) => (u >= 1 ? max : u <= 0 ? min : min + u * (max - min));
  const sample = fc.integer({ min: 0, max: steps - 1 }).map((i) => i / (steps - 1));
  const beside = fc.tuple(sample, fc.constantFrom(-1e-9, 1e-9)).map(([u, d]) => Math.min(1, Math.max(0, u + d)));
  return fc
    .oneof(
      { arbitrary: uniformUnit, weight: 6 },
      { arbitrary: fc.constantFrom(0, 1), weight: 1 },
      { arbitrary: sample, weight: 2 },
      { arbitrary: beside, weight: 1 },
    )
    .map(at);
}

/** Alpha over 0..1, with the pair table's sample points of a `steps`-sample table. */
export const alphaArb = (steps = TABLE_STEPS): fc.Arbitrary<number> => fader({ steps });

/** Strength over 0..1. */
export const strengthArb: fc.Arbitrary<number> = fader();

/** A control position over 0..1 (after decoding, before curve and takeover). */
export const positionArb: fc.Arbitrary<number> = fader();

/**
 * Uniform in log over [min, max] (a frequency, a Q). `Math.exp(Math.log(max))` can land an ulp outside the range (10 comes
 * back as 10.000000000000002), so the ends are clamped: a draw is always a value the range allows.
 */
export const logUniform = (min: number, max: number): fc.Arbitrary<number> =>
  fc.double({ min: Math.log(min), max: Math.log(max), noNaN: true }).map((x) => Math.min(max, Math.max(min, Math.exp(x))));
