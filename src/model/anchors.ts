// Anchor settings per term for the anchor loss: settings that sound like the term's mean response yet stay among real data.

import { DEFAULT_GRID } from '../eq/grid.js';
import { fitParametric } from '../eq/fit.js';
import { meanAbsDiffDb, responseFromParams } from '../eq/response.js';
import { denormalise, normalise, type NormStats } from '../data/normalise.js';
import type { TermExample } from '../data/terms.js';
import { meanResponse, termMeanParams } from './evaluate.js';

/** How far (in standard deviations of the training data) an anchor may sit from the data's centre, per parameter. */
export const ANCHOR_MAX_Z = 3;
const LINE_STEPS = 40;

/**
 * The decoded centroid should sound like the term's examples on average: their mean response. The mean of their
 * parameters sounds 0.3-1 dB off (averaging Q and frequency is not averaging sound), while an unconstrained fit to the
 * mean response reproduces it with bands far wider than any engineer set (the average of many EQs is very smooth).
 * So the anchor is the point on the straight line (in the normalised space) from the mean parameters to that fit which
 * comes closest to the mean response while every parameter stays within ANCHOR_MAX_Z of the data.
 */
export function termAnchor(rows: readonly (readonly number[])[], stats: NormStats): { params: number[]; maeDb: number; meanParamsMaeDb: number } {
  const target = meanResponse(rows);
  const mean = termMeanParams(rows);
  const fit = fitParametric(target, DEFAULT_GRID, { initial: mean });
  const zMean = normalise(mean, stats);
  const zFit = normalise(fit.params, stats);
  const limit = Math.max(ANCHOR_MAX_Z, ...zMean.map(Math.abs));
  let best = { params: mean, maeDb: meanAbsDiffDb(responseFromParams(mean), target) };
  const meanParamsMaeDb = best.maeDb;
  for (let i = 1; i <= LINE_STEPS; i++) {
    const t = i / LINE_STEPS;
    const z = zMean.map((v, j) => v + t * (zFit[j]! - v));
    if (z.some((v) => Math.abs(v) > limit)) break;
    const params = denormalise(z, stats);
    const maeDb = meanAbsDiffDb(responseFromParams(params), target);
    if (maeDb < best.maeDb) best = { params, maeDb };
  }
  return { ...best, meanParamsMaeDb };
}

export function termAnchors(train: readonly TermExample[], terms: readonly string[], stats: NormStats): number[][] {
  return terms.map((term) => termAnchor(train.filter((e) => e.term === term).map((e) => e.params), stats).params);
}
