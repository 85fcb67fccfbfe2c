// Band layouts for tests of layout fitting: a desk channel's four bands (low shelf, two peaking, high shelf), wide ranges.
import type { BandSpec } from '../../src/eq/bands.js';

const wide = { gain: { min: -15, max: 15 }, q: { min: 0.3, max: 10 } };

export const FOUR_BANDS: readonly BandSpec[] = [
  { type: 'lowshelf', freq: { min: 22, max: 1000 }, fixedQ: 0.71, ...wide },
  { type: 'peaking', freq: { min: 82, max: 10000 }, fixedQ: null, ...wide },
  { type: 'peaking', freq: { min: 82, max: 10000 }, fixedQ: null, ...wide },
  { type: 'highshelf', freq: { min: 580, max: 20000 }, fixedQ: 0.71, ...wide },
];
