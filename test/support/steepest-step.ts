// Test helper: the largest change of a surface's response (the XY pad, the sound map) for a 0.01 move in x or y, by a
// scan of a 0.01 lattice and a local search from the lattice's largest step.

import { maxAbsDiffDb } from '../../src/eq/response.js';

export interface Step {
  /** Largest absolute difference in dB between the responses at (x, y) and 0.01 further along x or y. */
  readonly step: number;
  readonly x: number;
  readonly y: number;
  readonly alongX: boolean;
}

/** `at` gives the response (dB on a frequency grid) at a point of 0..1 × 0..1. */
export function steepestStep(at: (x: number, y: number) => ArrayLike<number>): Step {
  const lattice = Array.from({ length: 101 }, (_, i) => Array.from({ length: 101 }, (_, j) => at(i / 100, j / 100)));
  let worst: Step = { step: 0, x: 0, y: 0, alongX: true };
  for (let i = 0; i <= 100; i++) {
    for (let j = 0; j <= 100; j++) {
      for (const alongX of [true, false]) {
        const [i2, j2] = alongX ? [i + 1, j] : [i, j + 1];
        if (i2 > 100 || j2 > 100) continue;
        const step = maxAbsDiffDb(lattice[i]![j]!, lattice[i2]![j2]!);
        if (step > worst.step) worst = { step, x: i / 100, y: j / 100, alongX };
      }
    }
  }
  // From the lattice's largest step, moves of the start shrinking from half a lattice step, kept while they grow it.
  const stepAt = (x: number, y: number, alongX: boolean) => maxAbsDiffDb(at(x, y), alongX ? at(Math.min(1, x + 0.01), y) : at(x, Math.min(1, y + 0.01)));
  for (let h = 0.005; h > 2e-4; h /= 2) {
    for (let moved = true; moved; ) {
      moved = false;
      for (const [dx, dy] of [[h, 0], [-h, 0], [0, h], [0, -h]] as const) {
        const x = Math.min(1, Math.max(0, worst.x + dx));
        const y = Math.min(1, Math.max(0, worst.y + dy));
        const step = stepAt(x, y, worst.alongX);
        if (step > worst.step) [worst, moved] = [{ ...worst, step, x, y }, true];
      }
    }
  }
  return worst;
}

export const describeStep = (s: Step) => `${s.step.toFixed(3)} dB at ${s.x.toFixed(4)},${s.y.toFixed(4)} along ${s.alongX ? 'x' : 'y'}`;
