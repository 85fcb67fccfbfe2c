// A small pool of worker threads that shape eqmorph's pair paths and fit layouts along them, so the thread serving the faders never runs a table's fits.

import { Worker } from 'node:worker_threads';
import type { BandSpec } from '../eq/bands.js';
import type { DenseDecoderData } from './dense-decoder.js';

/**
 * What a worker is asked: `fit` fits a layout along a pair table's rows; `word` fits it to one row, a word alone (a
 * pair's end, see FittedDecoder); `shape` shapes a pair's decoded samples into
 * its table's path (path-shape.ts), the 5-band work of a new pair. Rows are physical units, PARAM_COUNT per row.
 */
export type FitRequest =
  | { readonly id: number; readonly kind: 'fit'; readonly rows: Float64Array; readonly specs: readonly BandSpec[] }
  | { readonly id: number; readonly kind: 'word'; readonly word: WordSource; readonly specs: readonly BandSpec[] }
  | { readonly id: number; readonly kind: 'shape'; readonly rows: Float64Array }
  | { readonly id: number; readonly kind: 'path'; readonly za: Float64Array; readonly zb: Float64Array; readonly steps: number };

/** A word alone: its row of eqmorph's parameters, or its latent point, which the worker decodes (see useDecoder). */
export type WordSource = { readonly row: Float64Array } | { readonly z: Float64Array };

/** Sent to every worker before its first request once the pool has a decoder: what `path` requests decode with. */
export interface DecoderMessage {
  readonly kind: 'decoder';
  readonly decoder: DenseDecoderData;
}

export type FitReply =
  | { readonly id: number; readonly ok: true; readonly params: Float64Array; readonly maeDb: Float64Array }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** A path's fits as the pool returns them: one row of layout parameters per sample, and each sample's error. */
export interface PathFits {
  readonly params: Float64Array;
  readonly maeDb: Float64Array;
}

interface Waiting {
  readonly req: FitRequest;
  readonly key: string;
  /** Goes before every request that is not (a word's fit: a channel's first answer waits for it). */
  readonly urgent: boolean;
  touched: number;
  resolve(f: PathFits): void;
  reject(e: Error): void;
}

/**
 * A fit needs a few arrays of a few hundred numbers: a small heap keeps the worker's share of the process's resident
 * memory small (V8 would otherwise size it like the main thread's).
 */
const LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 48 } as const;

/**
 * The worker's module: compiled JavaScript next to this file, or under tsx (tests, benchmarks) the TypeScript source,
 * which a worker can only load once tsx's loader is registered in it.
 */
function startWorker(): Worker {
  const url = new URL(import.meta.url.endsWith('.ts') ? './fit-worker.ts' : './fit-worker.js', import.meta.url);
  if (url.pathname.endsWith('.js')) return new Worker(url, { resourceLimits: LIMITS });
  return new Worker(`import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`, { eval: true, resourceLimits: LIMITS });
}

/**
 * `size` workers, each fitting one path at a time; requests wait in line, first come first served, except that a
 * word's fit goes before any path and `touch` moves a path to the front of the rest (the pair a performer is moving). Workers start on the first request (or ahead,
 * with `start`) and do not keep the process alive.
 */
export class FitPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Waiting>();
  private readonly line: Waiting[] = [];
  private started = 0;
  private ids = 0;
  private touches = 0;
  private closed = false;
  private decoder: DecoderMessage | null = null;

  /** `onWorkerStart` runs on this thread as each worker comes online. */
  constructor(
    readonly size: number,
    private readonly onWorkerStart: () => void = () => undefined,
  ) {
    if (!(size >= 1)) throw new RangeError('a fit pool needs at least one worker');
  }

  /** Starts every worker now (instead of on the first request); resolves once all are online. */
  async start(): Promise<void> {
    const started: Worker[] = [];
    while (this.started < this.size) {
      const worker = this.spawn();
      this.idle.push(worker);
      started.push(worker);
    }
    await Promise.all(started.map((w) => new Promise<void>((resolve) => w.once('online', () => resolve()).once('error', () => resolve()))));
  }

  fit(key: string, rows: Float64Array, specs: readonly BandSpec[]): Promise<PathFits> {
    return this.ask(key, { id: ++this.ids, kind: 'fit', rows, specs });
  }

  /**
   * The layout fitted to a word alone (fitLayoutSample from seedFromSource of its row, or of its latent point decoded
   * by the pool's decoder), ahead of every path in line: `params` is one row of the layout's parameters, `maeDb` its error.
   */
  async word(key: string, word: { readonly row: ArrayLike<number> } | { readonly z: ArrayLike<number> }, specs: readonly BandSpec[]): Promise<PathFits> {
    if ('z' in word && !this.decoder) throw new Error('the fit pool has no decoder');
    const source: WordSource = 'z' in word ? { z: Float64Array.from(word.z) } : { row: Float64Array.from(word.row) };
    return this.ask(key, { id: ++this.ids, kind: 'word', word: source, specs }, true);
  }

  /** A pair's shaped path (shapePath of its decoded samples), flat as the samples came; `maeDb` is empty. */
  async shape(key: string, rows: Float64Array): Promise<Float64Array> {
    return (await this.ask(key, { id: ++this.ids, kind: 'shape', rows })).params;
  }

  /**
   * A pair's table rows, decoded and shaped in a worker: `steps` samples of the latent line from `za` to `zb`, decoded
   * by the pool's decoder (useDecoder), then shaped (shapePath). Flat, PARAM_COUNT per row.
   */
  async samplePath(key: string, za: readonly number[], zb: readonly number[], steps: number): Promise<Float64Array> {
    if (!this.decoder) throw new Error('the fit pool has no decoder');
    return (await this.ask(key, { id: ++this.ids, kind: 'path', za: Float64Array.from(za), zb: Float64Array.from(zb), steps })).params;
  }

  /** The decoder that `samplePath` decodes with, sent to every worker once (a few MB of weights). */
  useDecoder(decoder: DenseDecoderData): void {
    this.decoder = { kind: 'decoder', decoder };
    for (const w of [...this.idle, ...this.busy.keys()]) w.postMessage(this.decoder);
  }

  get hasDecoder(): boolean {
    return this.decoder !== null;
  }

  private ask(key: string, req: FitRequest, urgent = false): Promise<PathFits> {
    if (this.closed) return Promise.reject(new Error('the fit pool is closed'));
    return new Promise((resolve, reject) => {
      this.line.push({ req, key, urgent, touched: 0, resolve, reject });
      this.pump();
    });
  }

  /** Moves a waiting request to the front of the line. */
  touch(key: string): void {
    const w = this.line.find((x) => x.key === key);
    if (w) w.touched = ++this.touches;
  }

  /** Requests waiting or running. */
  get pending(): number {
    return this.line.length + this.busy.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.line.splice(0)) w.reject(new Error('the fit pool is closed'));
    const all = [...this.idle, ...this.busy.keys()];
    for (const w of this.busy.values()) w.reject(new Error('the fit pool is closed'));
    this.busy.clear();
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.line.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      // Words' fits first, then touched requests, the latest touch first; otherwise first come, first served.
      let at = 0;
      this.line.forEach((w, i) => {
        const best = this.line[at]!;
        if (w.urgent !== best.urgent ? w.urgent : w.touched > best.touched) at = i;
      });
      const next = this.line.splice(at, 1)[0]!;
      this.busy.set(worker, next);
      worker.postMessage(next.req);
    }
  }

  private spawn(): Worker {
    this.started++;
    const worker = startWorker();
    worker.unref();
    worker.once('online', () => this.onWorkerStart());
    if (this.decoder) worker.postMessage(this.decoder);
    worker.on('message', (reply: FitReply) => {
      const w = this.busy.get(worker);
      this.busy.delete(worker);
      if (this.closed) return;
      this.idle.push(worker);
      if (w) {
        if (reply.ok) w.resolve({ params: reply.params, maeDb: reply.maeDb });
        else w.reject(new Error(reply.error));
      }
      this.pump();
    });
    worker.on('error', (err) => {
      // A worker that died takes its request with it; the pool starts another for what waits.
      const w = this.busy.get(worker);
      this.busy.delete(worker);
      // A worker started ahead (start) waits among the idle ones.
      if (this.idle.includes(worker)) this.idle.splice(this.idle.indexOf(worker), 1);
      this.started--;
      w?.reject(err);
      if (!this.closed) this.pump();
    });
    return worker;
  }
}
