// The bridge's decoder: pair tables computed by the tfjs model on first use of a pair, kept in a small LRU cache.

import { paramsToBands, type EqSettings } from '../eq/bands.js';
import type { EqModel } from '../model/eq-model.js';
import { pairTable, readPairTable, type PairTable } from './pair-table.js';

export interface CachedDecoderOptions {
  /** Alpha samples per pair; 129 keeps interpolation error far below what a listener or a 7-bit fader can resolve. */
  readonly steps?: number;
  /** Pairs kept at once (each costs steps x 13 doubles, about 13 kB at 129 steps). */
  readonly maxPairs?: number;
}

export class CachedDecoder {
  readonly steps: number;
  private readonly maxPairs: number;
  private readonly tables = new Map<string, PairTable>();
  private readonly scratch = new Float64Array(13);

  constructor(
    readonly model: EqModel,
    opts: CachedDecoderOptions = {},
  ) {
    this.steps = opts.steps ?? 129;
    this.maxPairs = opts.maxPairs ?? 64;
  }

  get terms(): readonly string[] {
    return this.model.terms;
  }

  hasTerm(term: string): boolean {
    return this.model.term(term) !== undefined;
  }

  /** The pair's table, decoding all its samples in one batched tfjs call the first time. */
  table(termA: string, termB: string): PairTable {
    const key = `${termA}\u0000${termB}`;
    const hit = this.tables.get(key);
    if (hit) {
      // Re-insert to mark as most recently used.
      this.tables.delete(key);
      this.tables.set(key, hit);
      return hit;
    }
    const zs = Array.from({ length: this.steps }, (_, i) => this.model.interpolate(termA, termB, i / (this.steps - 1)));
    const table = pairTable(termA, termB, this.model.decodeLatents(zs));
    this.tables.set(key, table);
    if (this.tables.size > this.maxPairs) this.tables.delete(this.tables.keys().next().value!);
    return table;
  }

  /** Warms the cache for a pair, e.g. when a term button is pressed before the fader moves. */
  prepare(termA: string, termB: string): void {
    this.table(termA, termB);
  }

  decode(termA: string, termB: string, alpha: number): EqSettings {
    return paramsToBands(readPairTable(this.table(termA, termB), alpha, this.scratch));
  }
}
