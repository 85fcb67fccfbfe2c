// How we call a loss curve converged: the last ten epochs improve on the ten before them by less than 5 %.

export interface Convergence {
  readonly first: number;
  readonly best: number;
  readonly lastWindowMean: number;
  /** Relative change of the mean over the last window against the window before it (negative = still improving). */
  readonly lastWindowChange: number;
  readonly converged: boolean;
}

export function trainingConvergence(curve: readonly number[], window = 10, tolerance = 0.05): Convergence {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const last = curve.slice(-window);
  const before = curve.slice(-2 * window, -window);
  const change = before.length ? (mean(last) - mean(before)) / mean(before) : -1;
  return { first: curve[0] ?? NaN, best: Math.min(...curve), lastWindowMean: mean(last), lastWindowChange: change, converged: change > -tolerance };
}
