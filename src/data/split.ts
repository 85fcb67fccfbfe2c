// A seeded, stratified train/held-out split: every term keeps the same share in both parts.

import { seededRng, shuffled } from './random.js';

export interface Split<T> {
  readonly train: readonly T[];
  readonly heldOut: readonly T[];
}

export function stratifiedSplit<T>(items: readonly T[], labelOf: (item: T) => string, heldOutShare: number, seed: number): Split<T> {
  const rng = seededRng(seed);
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = labelOf(item);
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  const train: T[] = [];
  const heldOut: T[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = shuffled(groups.get(key)!, rng);
    // At least one held-out example per term, and at least one for training.
    const h = Math.min(group.length - 1, Math.max(1, Math.round(group.length * heldOutShare)));
    heldOut.push(...group.slice(0, h));
    train.push(...group.slice(h));
  }
  return { train, heldOut };
}
