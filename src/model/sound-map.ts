// The sound map: the vocabulary placed in 2-D so that distance on the map means difference in sound (metric MDS of RMS dB distances) — pure.

/** One word on the map, coordinates in 0..1 (x: darker → brighter, y: less → more mid body). */
export interface SoundMapPoint {
  readonly term: string;
  readonly x: number;
  readonly y: number;
  readonly source: string;
  /** Support: SAFE-DB examples or SocialEQ contributors; the page labels the best-supported words first. */
  readonly count: number;
}

export interface SoundMap {
  readonly formatVersion: 1;
  /** How the map was made, in one line. */
  readonly method: string;
  readonly points: readonly SoundMapPoint[];
  /** Spearman rank correlation between map distance and response distance over all pairs of words. */
  readonly spearman: number;
  /** Kruskal's stress-1 of the placement against the response distances. */
  readonly stress: number;
}

/** Root-mean-square difference between two responses (dB on the same frequency grid). */
export function rmsDb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}

/** The symmetric matrix of RMS dB distances between responses, row-major n×n. */
export function distanceMatrix(responses: readonly ArrayLike<number>[]): Float64Array {
  const n = responses.length;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[i * n + j] = d[j * n + i] = rmsDb(responses[i]!, responses[j]!);
  return d;
}

/** A deterministic start vector for the power iteration (no Math.random: the map must be the same on every machine). */
const startVector = (n: number, k: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(1 + i * (k + 1.618)));

/**
 * Classical (Torgerson) MDS: the double-centred squared distances' two leading eigenvectors, scaled by the root of
 * their eigenvalues, by power iteration with deflation (n is a few hundred: O(n²) per iteration is nothing).
 */
export function classicalMds(d: Float64Array, n: number): Float64Array[] {
  const b = new Float64Array(n * n);
  const rowMean = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) rowMean[i]! += d[i * n + j]! ** 2 / n;
    all += rowMean[i]! / n;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j] = -0.5 * (d[i * n + j]! ** 2 - rowMean[i]! - rowMean[j]! + all);
  const axes: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v = startVector(n, k);
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += b[i * n + j]! * v[j]!;
        w[i] = s;
      }
      const norm = Math.sqrt(w.reduce((a, x) => a + x * x, 0));
      if (norm === 0) break;
      for (let i = 0; i < n; i++) w[i]! /= norm;
      const moved = Math.sqrt(w.reduce((a, x, i) => a + (x - v[i]!) ** 2, 0));
      v = w;
      lambda = norm;
      if (moved < 1e-10) break;
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) b[i * n + j]! -= lambda * v[i]! * v[j]!;
    axes.push(v.map((x) => x * Math.sqrt(Math.max(0, lambda))));
  }
  return axes;
}

/**
 * SMACOF (de Leeuw's majorisation by Guttman transforms) from a start placement: lowers raw stress Σ (d_ij − δ_ij)²
 * monotonically, so the map keeps classical MDS's global layout and fixes its local distances.
 */
export function smacof(d: Float64Array, n: number, start: readonly Float64Array[], iterations = 300): Float64Array[] {
  let x = start.map((a) => Float64Array.from(a));
  for (let it = 0; it < iterations; it++) {
    const next = [new Float64Array(n), new Float64Array(n)];
    const x0 = x[0]!;
    const x1 = x[1]!;
    for (let i = 0; i < n; i++) {
      let bii = 0;
      let sx = 0;
      let sy = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dx = x0[i]! - x0[j]!;
        const dy = x1[i]! - x1[j]!;
        const dij = Math.sqrt(dx * dx + dy * dy);
        const bij = dij > 1e-12 ? -d[i * n + j]! / dij : 0;
        bii -= bij;
        sx += bij * x0[j]!;
        sy += bij * x1[j]!;
      }
      next[0]![i] = (bii * x0[i]! + sx) / n;
      next[1]![i] = (bii * x1[i]! + sy) / n;
    }
    x = next;
  }
  return x;
}

/** Ranks with ties averaged (1-based). */
function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]!] === v[idx[i]!]) j++;
    for (let k = i; k <= j; k++) r[idx[k]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ: Pearson correlation of the ranks. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  const mean = (n + 1) / 2;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - mean) * (rb[i]! - mean);
    saa += (ra[i]! - mean) ** 2;
    sbb += (rb[i]! - mean) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Map distances and response distances over every pair i < j, and how well the first preserve the second. */
export function placementQuality(d: Float64Array, n: number, xs: ArrayLike<number>, ys: ArrayLike<number>): { spearman: number; stress: number } {
  const m = (n * (n - 1)) / 2;
  const map = new Float64Array(m);
  const resp = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      map[k] = Math.sqrt((xs[i]! - xs[j]!) ** 2 + (ys[i]! - ys[j]!) ** 2);
      resp[k++] = d[i * n + j]!;
    }
  }
  // Stress is scale-free: the map's distances are first scaled by least squares onto the response distances.
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    num += map[i]! * resp[i]!;
    den += map[i]! ** 2;
  }
  const s = den > 0 ? num / den : 0;
  let err = 0;
  let tot = 0;
  for (let i = 0; i < m; i++) {
    err += (s * map[i]! - resp[i]!) ** 2;
    tot += resp[i]! ** 2;
  }
  return { spearman: m > 1 ? spearman(map, resp) : 1, stress: tot > 0 ? Math.sqrt(err / tot) : 0 };
}

/** Where a response is read for the map's orientation: its low and high ends, and its middle. */
export interface Band01 {
  readonly lo: number;
  readonly hi: number;
}

/** Mean of a response over the grid points whose frequency lies in [lo, hi). */
function meanIn(resp: ArrayLike<number>, freqs: ArrayLike<number>, band: Band01): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < freqs.length; i++) {
    if (freqs[i]! >= band.lo && freqs[i]! < band.hi) {
      s += resp[i]!;
      c++;
    }
  }
  return c ? s / c : 0;
}

const LOWS: Band01 = { lo: 0, hi: 250 };
const MIDS: Band01 = { lo: 250, hi: 2500 };
const HIGHS: Band01 = { lo: 2500, hi: Infinity };

/** How much brighter than dark (highs minus lows) and how much fuller in the middle (mids minus both ends) a response is, dB. */
export function tiltAndBody(resp: ArrayLike<number>, freqs: ArrayLike<number>): { tilt: number; body: number } {
  const lows = meanIn(resp, freqs, LOWS);
  const mids = meanIn(resp, freqs, MIDS);
  const highs = meanIn(resp, freqs, HIGHS);
  return { tilt: highs - lows, body: mids - (lows + highs) / 2 };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  for (let i = 0; i < n; i++) sab += (a[i]! - ma) * (b[i]! - mb);
  return sab;
}

export interface WordResponse {
  readonly term: string;
  readonly source: string;
  readonly count: number;
  /** dB on `freqs`. */
  readonly response: ArrayLike<number>;
}

/** Room left around the words inside 0..1, so the ones at the edge still have a neighbourhood to blend with. */
export const MAP_MARGIN = 0.06;

/**
 * The map of a vocabulary's decoded responses. Distances are RMS dB over a log-frequency grid (what a listener
 * compares: level differences across the spectrum, each octave weighted alike). Classical MDS gives the global layout
 * (its first axis is the spectral tilt in practice), SMACOF then minimises stress so near words sit near. The two axes
 * are turned to read as sound: x grows with tilt (dark left, bright right), y with mid body, each by the sign of its
 * correlation over the vocabulary, and a rotation is chosen among a few so that x follows tilt best. Coordinates are
 * scaled into [MAP_MARGIN, 1 − MAP_MARGIN] with their aspect kept. Deterministic.
 */
export function soundMap(words: readonly WordResponse[], freqs: ArrayLike<number>, iterations = 300): SoundMap {
  const n = words.length;
  const method = 'metric MDS (classical start, SMACOF) of RMS dB distances between decoded responses; x = tilt, y = mid body';
  if (n < 3) {
    const points = words.map((w, i) => ({ term: w.term, source: w.source, count: w.count, x: n === 1 ? 0.5 : i, y: 0.5 }));
    return { formatVersion: 1, method, points, spearman: 1, stress: 0 };
  }
  const d = distanceMatrix(words.map((w) => w.response));
  const start = classicalMds(d, n);
  const [px, py] = smacof(d, n, start, iterations);
  const feats = words.map((w) => tiltAndBody(w.response, freqs));
  const tilt = feats.map((f) => f.tilt);
  const body = feats.map((f) => f.body);
  // The rotation (in 5° steps) whose x axis follows the tilt best; the stress does not depend on it.
  let best = { angle: 0, score: -Infinity };
  for (let deg = 0; deg < 360; deg += 5) {
    const a = (deg * Math.PI) / 180;
    const xs = Array.from({ length: n }, (_, i) => Math.cos(a) * px![i]! - Math.sin(a) * py![i]!);
    const score = correlation(xs, tilt);
    if (score > best.score) best = { angle: a, score };
  }
  const xs = Array.from({ length: n }, (_, i) => Math.cos(best.angle) * px![i]! - Math.sin(best.angle) * py![i]!);
  let ys = Array.from({ length: n }, (_, i) => Math.sin(best.angle) * px![i]! + Math.cos(best.angle) * py![i]!);
  if (correlation(ys, body) < 0) ys = ys.map((v) => -v);
  const minX = Math.min(...xs);
  const minY = Math.min(...ys);
  const span = Math.max(Math.max(...xs) - minX, Math.max(...ys) - minY, 1e-12);
  const inner = 1 - 2 * MAP_MARGIN;
  const offX = (1 - ((Math.max(...xs) - minX) / span) * inner) / 2;
  const offY = (1 - ((Math.max(...ys) - minY) / span) * inner) / 2;
  const ux = xs.map((v) => offX + ((v - minX) / span) * inner);
  const uy = ys.map((v) => offY + ((v - minY) / span) * inner);
  const q = placementQuality(d, n, ux, uy);
  const round = (v: number) => Math.round(v * 1e5) / 1e5;
  const points = words.map((w, i) => ({ term: w.term, x: round(ux[i]!), y: round(uy[i]!), source: w.source, count: w.count }));
  return { formatVersion: 1, method, points, spearman: round(q.spearman), stress: round(q.stress) };
}
