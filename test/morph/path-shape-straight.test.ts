// Straightening on a pair whose interpolated path sweeps: one peaking band moving from 200 Hz to 3 kHz sounds like a
// sweep, while the straight line between the two responses is a crossfade of two bumps. The straightened path must
// come much nearer that line than the sweep does (measured here independently of the reported stray).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { logGrid } from '../../src/eq/grid.js';
import { responseFromParams } from '../../src/eq/response.js';
import { rmsDistanceDb } from '../../src/model/path-metrics.js';
import { mixRows, straightenPath } from '../../src/morph/path-shape.js';

const GRID = logGrid(64);

test('a sweeping path is straightened to within two thirds of its distance from the straight line, ends kept', () => {
  // Low shelf, three peaking bands (gain, freq, Q), high shelf: only the first peaking band differs, in frequency.
  const a = [0, 100, 9, 200, 2, 0, 1000, 1, 0, 5000, 1, 0, 8000];
  const b = [0, 100, 9, 3000, 2, 0, 1000, 1, 0, 5000, 1, 0, 8000];
  const sweep = Array.from({ length: 65 }, (_, i) => mixRows(a, b, i / 64));
  const ra = responseFromParams(a, GRID);
  const rb = responseFromParams(b, GRID);
  const stray = (path: readonly (readonly number[])[]) => Math.max(...path.map((r, i) => rmsDistanceDb(responseFromParams(r, GRID), ra.map((v, f) => v + (i / 64) * (rb[f]! - v)))));
  const swept = stray(sweep);
  assert.ok(swept > 2, `the sweep strays ${swept} dB`);
  const s = straightenPath(sweep);
  assert.deepEqual([s.rows[0], s.rows[64]], [a, b]);
  assert.ok(stray(s.rows) < (2 / 3) * swept, `straightened ${stray(s.rows)} dB against the sweep's ${swept} dB`);
});
