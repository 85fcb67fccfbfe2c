// Anchor settings per term for the anchor loss: the parametric EQ whose response best matches the term's mean response.

import { DEFAULT_GRID } from '../eq/grid.js';
import type { TermExample } from '../data/terms.js';
import { meanResponse, termMeanParams } from './evaluate.js';
import { fitParametric } from '../eq/fit.js';

/**
 * The decoded centroid should sound like the term's examples on average: their mean response. The mean of their
 * parameters does not (averaging Q and frequency is not averaging sound), so the anchor is a bounded least-squares fit
 * of the 5-band EQ to the mean response, started from the mean parameters.
 */
export function termAnchors(train: readonly TermExample[], terms: readonly string[]): number[][] {
  return terms.map((term) => {
    const rows = train.filter((e) => e.term === term).map((e) => e.params);
    const target = meanResponse(rows);
    const fit = fitParametric(target, DEFAULT_GRID, { initial: termMeanParams(rows) });
    return fit.params;
  });
}
