// A 2-D map of the latent space for the page: the term centroids projected on their first two principal axes — pure.

import { fitPca, type Pca } from '../model/pca.js';

export interface LatentMap {
  /** Each term's centroid on the map, scaled so the map fits [-1, 1] on both axes with its aspect kept. */
  readonly points: readonly { readonly term: string; readonly x: number; readonly y: number }[];
  /** Share of the centroids' variance the two axes show, so the page can say how faithful the picture is. */
  readonly explained: number;
  project(z: readonly number[]): readonly [number, number];
}

export function latentMap(centroids: ReadonlyMap<string, readonly number[]>): LatentMap {
  const terms = [...centroids.keys()];
  const rows = terms.map((t) => centroids.get(t)!);
  if (rows.length < 2) {
    // One term has no spread to project: it sits in the middle.
    return { points: terms.map((term) => ({ term, x: 0, y: 0 })), explained: 1, project: () => [0, 0] };
  }
  const pca: Pca = fitPca(rows, 2);
  const axes = (z: readonly number[]) => pca.components.map((c) => c.reduce((s, cj, j) => s + cj * (z[j]! - pca.mean[j]!), 0));
  const raw = rows.map(axes);
  const extent = Math.max(1e-12, ...raw.flatMap((p) => p.map(Math.abs)));
  const project = (z: readonly number[]): readonly [number, number] => {
    const [x = 0, y = 0] = axes(z);
    return [x / extent, y / extent];
  };
  const total = rows[0]!.reduce((s, _, j) => s + rows.reduce((v, r) => v + (r[j]! - pca.mean[j]!) ** 2, 0), 0) / (rows.length - 1);
  const shown = pca.variances.reduce((s, v) => s + v, 0);
  return {
    points: terms.map((term, i) => ({ term, x: raw[i]![0]! / extent, y: (raw[i]![1] ?? 0) / extent })),
    explained: total > 0 ? shown / total : 1,
    project,
  };
}
