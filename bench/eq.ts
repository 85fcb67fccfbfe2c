// Benchmark: the EQ math's speed (a 40-point parametric fit, a 200-point response), moved here from timed unit tests.

import { PARAMS, paramsToBands } from '../src/eq/bands.js';
import { fitParametric } from '../src/eq/fit.js';
import { logGrid } from '../src/eq/grid.js';
import { responseDb, responseFromParams } from '../src/eq/response.js';
import { percentile } from './frames.js';

export function benchEq() {
  const grid40 = logGrid(40);
  const truths = [
    [4, 180, 2, 250, 0.8, -2, 900, 1.2, -3, 3000, 1, -4, 6000],
    [-8.45, 937.84, -8.79, 82.01, 2.6, -6.2, 1838.01, 0.12, 11.23, 1011.4, 3.15, 1.15, 791.88], // a hard one
  ];
  // The slower of the two targets' median fit times.
  const fitMs = Math.max(
    ...truths.map((truth) => {
      const target = responseFromParams(truth, grid40);
      fitParametric(target, grid40); // warm-up
      const times = Array.from({ length: 5 }, () => {
        const t0 = performance.now();
        fitParametric(target, grid40);
        return performance.now() - t0;
      });
      return percentile(times.sort((a, b) => a - b), 0.5);
    }),
  );
  const bands = paramsToBands(PARAMS.map((p) => (p.kind === 'gain' ? 6 : Math.sqrt(p.range.min * p.range.max))));
  for (let i = 0; i < 2000; i++) responseDb(bands);
  const runs = 20000;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) responseDb(bands);
  const responseUs = ((performance.now() - t0) * 1000) / runs;
  return { fitMs, responseUs };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(JSON.stringify(benchEq(), null, 2) + '\n');
