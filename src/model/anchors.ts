// Anchor settings per term for the anchor loss: settings that sound like the term's mean response yet stay among real data.

import { DEFAULT_GRID } from '../eq/grid.js';
import { fitParametric } from '../eq/fit.js';
import { meanAbsDiffDb, responseFromParams } from '../eq/response.js';
import { denormalise, normalise, type NormStats } from '../data/normalise.js';
import type { TermExample } from '../data/terms.js';
import { meanResponse, termMeanParams } from './evaluate.js';
import type { Anchors } from './train.js';

/** How far (in standard deviations of the training data) an anchor may sit from the term's mean settings, per parameter: 3 bent the morph paths (step ratio 3.3), 1 pushed blends away from real settings, 0.5 balances. */
export const ANCHOR_MAX_Z = 0.5;

/**
 * The decoded centroid should sound like the term's examples on average: their mean response. The mean of their
 * parameters sounds 0.3-1 dB off (averaging Q and frequency is not averaging sound), while an unconstrained fit to the
 * mean response reproduces it with bands far wider than any engineer set (the average of many EQs is very smooth).
 * So the anchor is a fit to the mean response bounded to ANCHOR_MAX_Z standard deviations (of the training data, in
 * the normalised space) around the term's mean settings, started from those settings.
 */
export function termAnchor(rows: readonly (readonly number[])[], stats: NormStats): { params: number[]; maeDb: number; meanParamsMaeDb: number } {
  const target = meanResponse(rows);
  const mean = termMeanParams(rows);
  const z = normalise(mean, stats);
  const min = denormalise(z.map((v) => v - ANCHOR_MAX_Z), stats);
  const max = denormalise(z.map((v) => v + ANCHOR_MAX_Z), stats);
  const fit = fitParametric(target, DEFAULT_GRID, { initial: mean, bounds: { min, max } });
  const meanParamsMaeDb = meanAbsDiffDb(responseFromParams(mean), target);
  // The fit starts from the mean settings, so it can only improve on them; keep the mean if it somehow did not.
  return fit.maeDb < meanParamsMaeDb ? { params: fit.params, maeDb: fit.maeDb, meanParamsMaeDb } : { params: mean, maeDb: meanParamsMaeDb, meanParamsMaeDb };
}

export function termAnchors(train: readonly TermExample[], terms: readonly string[], stats: NormStats): number[][] {
  return terms.map((term) => termAnchor(train.filter((e) => e.term === term).map((e) => e.params), stats).params);
}

/**
 * The anchor groups for training: the SAFE terms' anchors weigh 1 as a group and the SocialEQ words' fitted settings
 * `socialWeight` as a group, each a mean over its terms, so adding hundreds of words leaves the SAFE terms' pull
 * unchanged; `perStep` of the words are drawn each step.
 */
export function groupedAnchors(safe: readonly (readonly number[])[], social: readonly (readonly number[])[], socialWeight: number, perStep: number): Anchors {
  return social.length === 0 ? [{ targets: safe, weight: 1 }] : [{ targets: safe, weight: 1 }, { targets: social, weight: socialWeight, perStep }];
}
