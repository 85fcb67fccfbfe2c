import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_GRID, SAMPLE_RATE, logGrid } from '../../src/eq/grid.js';

test('the default grid is 200 log-spaced points from 20 Hz to 20 kHz at 48 kHz', () => {
  assert.equal(SAMPLE_RATE, 48000);
  assert.equal(DEFAULT_GRID.length, 200);
  assert.equal(DEFAULT_GRID[0], 20);
  assert.equal(DEFAULT_GRID[199], 20000);
});

test('every log grid includes both endpoints exactly and has a constant ratio between neighbours', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 400 }),
      fc.double({ min: 1, max: 1000, noNaN: true }),
      fc.double({ min: 1.01, max: 1000, noNaN: true }),
      (n, lo, factor) => {
        const hi = lo * factor;
        const g = logGrid(n, lo, hi);
        assert.equal(g.length, n);
        assert.equal(g[0], lo);
        assert.equal(g[n - 1], hi);
        const ratio = (hi / lo) ** (1 / (n - 1));
        for (let i = 1; i < n; i++) {
          assert.ok(g[i]! > g[i - 1]!);
          assert.ok(Math.abs(g[i]! / g[i - 1]! / ratio - 1) < 1e-9);
        }
      },
    ),
  );
});

test('a one-point grid is its lower end; nonsense sizes and bounds are refused', () => {
  assert.deepEqual(Array.from(logGrid(1, 50, 500)), [50]);
  assert.throws(() => logGrid(0), RangeError);
  assert.throws(() => logGrid(2.5), RangeError);
  assert.throws(() => logGrid(10, 0, 100), RangeError);
});

test('a refused grid says why, with the value given', () => {
  assert.throws(() => logGrid(0), { name: 'RangeError', message: 'grid size must be a positive integer, got 0' });
  assert.throws(() => logGrid(10, 20, -1), { name: 'RangeError', message: 'grid bounds must be positive, got 20..-1' });
  assert.throws(() => logGrid(10, 20, 0), { name: 'RangeError', message: 'grid bounds must be positive, got 20..0' });
});
