// Principal component analysis of small dense data (Jacobi eigen-decomposition of the covariance), the reconstruction baseline.

export interface Pca {
  readonly mean: readonly number[];
  /** Components as rows, by decreasing variance. */
  readonly components: readonly (readonly number[])[];
  readonly variances: readonly number[];
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: eigenvalues and eigenvectors (columns). */
export function symmetricEigen(a: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((r) => r.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k]![p]!;
          const akq = m[k]![q]!;
          m[k]![p] = c * akp - s * akq;
          m[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p]![k]!;
          const aqk = m[q]![k]!;
          m[p]![k] = c * apk - s * aqk;
          m[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: m.map((r, i) => r[i]!), vectors: v };
}

export function fitPca(rows: readonly (readonly number[])[], k: number): Pca {
  const n = rows.length;
  const d = rows[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (const r of rows) {
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i]![j]! += ((r[i]! - mean[i]!) * (r[j]! - mean[j]!)) / (n - 1);
  }
  const { values, vectors } = symmetricEigen(cov);
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
  const kk = Math.min(k, d);
  const components = order.slice(0, kk).map(([, i]) => vectors.map((row) => row[i]!));
  return { mean, components, variances: order.slice(0, kk).map(([v]) => v) };
}

/** Projects onto the components and back. */
export function pcaReconstruct(p: Pca, row: readonly number[]): number[] {
  const centred = row.map((x, j) => x - p.mean[j]!);
  const out = p.mean.slice();
  for (const c of p.components) {
    const coef = c.reduce((s, cj, j) => s + cj * centred[j]!, 0);
    c.forEach((cj, j) => (out[j]! += coef * cj));
  }
  return out;
}
