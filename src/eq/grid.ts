// The frequency grid and sample rate that EQ responses are evaluated on, defined once for the whole project.

/** Sample rate the biquads are designed for; responses near Nyquist depend on it, so everything shares one value. */
export const SAMPLE_RATE = 48000;

/** n frequencies spaced evenly on a log axis from lo to hi, both endpoints included exactly. */
export function logGrid(n = 200, lo = 20, hi = 20000): Float64Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`grid size must be a positive integer, got ${n}`);
  if (!(lo > 0 && hi > 0)) throw new RangeError(`grid bounds must be positive, got ${lo}..${hi}`);
  const out = new Float64Array(n);
  const span = Math.log(hi / lo);
  for (let i = 0; i < n; i++) out[i] = lo * Math.exp((span * i) / Math.max(1, n - 1));
  // Exact endpoints: exp/log round-off would otherwise put the last point a hair off hi.
  out[0] = lo;
  if (n > 1) out[n - 1] = hi;
  return out;
}

/** The 200-point 20 Hz .. 20 kHz grid used for response comparisons and plots. */
export const DEFAULT_GRID: Float64Array = logGrid();
