// Cluster-quality metrics for latent codes: cosine silhouette, Davies-Bouldin index, nearest-centroid accuracy.

type Vec = readonly number[];

export function euclidean(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

export function cosineDistance(a: Vec, b: Vec): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return 1 - dot / (Math.sqrt(na * nb) || 1);
}

/** Mean silhouette over all points (Rousseeuw 1987); points of singleton clusters count 0. Needs two or more labels. */
export function silhouette(points: readonly Vec[], labels: readonly string[], dist: (a: Vec, b: Vec) => number = cosineDistance): number {
  const groups = [...new Set(labels)];
  if (groups.length < 2) return 0;
  let total = 0;
  points.forEach((p, i) => {
    const sums = new Map<string, { s: number; n: number }>();
    points.forEach((q, j) => {
      if (i === j) return;
      const g = sums.get(labels[j]!) ?? { s: 0, n: 0 };
      g.s += dist(p, q);
      g.n++;
      sums.set(labels[j]!, g);
    });
    const own = sums.get(labels[i]!);
    if (!own || own.n === 0) return;
    const a = own.s / own.n;
    let b = Infinity;
    for (const [g, v] of sums) if (g !== labels[i] && v.n > 0) b = Math.min(b, v.s / v.n);
    total += (b - a) / Math.max(a, b) || 0;
  });
  return total / points.length;
}

export function centroidsOf(points: readonly Vec[], labels: readonly string[]): Map<string, number[]> {
  const acc = new Map<string, { s: number[]; n: number }>();
  points.forEach((p, i) => {
    const g = acc.get(labels[i]!) ?? { s: new Array<number>(p.length).fill(0), n: 0 };
    p.forEach((x, j) => (g.s[j]! += x));
    g.n++;
    acc.set(labels[i]!, g);
  });
  return new Map([...acc].map(([k, v]) => [k, v.s.map((x) => x / v.n)]));
}

/** Davies-Bouldin index (lower is better), Euclidean. */
export function daviesBouldin(points: readonly Vec[], labels: readonly string[]): number {
  const cents = centroidsOf(points, labels);
  const keys = [...cents.keys()];
  const scatter = new Map(keys.map((k) => [k, 0]));
  const counts = new Map(keys.map((k) => [k, 0]));
  points.forEach((p, i) => {
    scatter.set(labels[i]!, scatter.get(labels[i]!)! + euclidean(p, cents.get(labels[i]!)!));
    counts.set(labels[i]!, counts.get(labels[i]!)! + 1);
  });
  const s = new Map(keys.map((k) => [k, scatter.get(k)! / counts.get(k)!]));
  const worst = keys.map((i) =>
    Math.max(...keys.filter((j) => j !== i).map((j) => (s.get(i)! + s.get(j)!) / (euclidean(cents.get(i)!, cents.get(j)!) || 1e-12))),
  );
  return worst.reduce((a, b) => a + b, 0) / keys.length;
}

/** Share of points whose nearest centroid (Euclidean) is their own label's. */
export function nearestCentroidAccuracy(points: readonly Vec[], labels: readonly string[], centroids: ReadonlyMap<string, Vec>): number {
  let right = 0;
  points.forEach((p, i) => {
    let best = '';
    let bestD = Infinity;
    for (const [k, c] of centroids) {
      const d = euclidean(p, c);
      if (d < bestD) {
        bestD = d;
        best = k;
      }
    }
    if (best === labels[i]) right++;
  });
  return points.length ? right / points.length : 0;
}
