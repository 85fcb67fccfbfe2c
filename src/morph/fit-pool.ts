// A small pool of worker threads that shape eqmorph's pair paths and fit layouts along them, so the thread serving the faders never runs a table's fits.

import { Worker } from 'node:worker_threads';
import type { BandSpec } from '../eq/bands.js';
import type { DenseDecoderData } from './dense-decoder.js';

/**
 * What a worker is asked: `fit` fits a layout along a pair table's rows; `shape` shapes a pair's decoded samples into
 * its table's path (path-shape.ts), the 5-band work of a new pair; `path` decodes and shapes them; `point` fits a
 * layout to one point of a pair (a channel's first answer while its table builds), between two chunks of whatever
 * path the worker is on. Rows are physical units, PARAM_COUNT per row.
 */
export type FitRequest =
  | { readonly id: number; readonly kind: 'fit'; readonly rows: Float64Array; readonly specs: readonly BandSpec[] }
  /** `urgent`: a channel being moved waits for it; the worker answers it before the points that came before it. */
  | { readonly id: number; readonly kind: 'point'; readonly at: PointSource; readonly specs: readonly BandSpec[]; readonly initial: Float64Array | null; readonly urgent: boolean }
  | { readonly id: number; readonly kind: 'shape'; readonly rows: Float64Array }
  | { readonly id: number; readonly kind: 'path'; readonly za: Float64Array; readonly zb: Float64Array; readonly steps: number };

/**
 * A point of a pair, for `point`: eqmorph's row of parameters there, or the pair's two latent points and alpha, which
 * the worker decodes (see useDecoder) and straightens as CachedDecoder answers a pair not yet built (path-shape.ts).
 */
export type PointSource = { readonly row: Float64Array } | { readonly za: Float64Array; readonly zb: Float64Array; readonly alpha: number };

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

export interface FitPoolOptions {
  /**
   * Runs once if the workers cannot start at all (MAX_FAILED_STARTS in a row die before answering anything): every
   * request is then refused at once, and callers fit on their own thread.
   */
  readonly onBroken?: (err: Error) => void;
  /** Starts a worker (tests pass one that fails). */
  readonly startWorker?: () => Worker;
}

/**
 * Workers in a row that die before answering anything, after which the pool stops starting them: a worker that cannot
 * load (a damaged install, a system that refuses threads) would otherwise be started again for every request, each
 * start costing tens of milliseconds of CPU, and nothing it was asked for would ever be answered.
 */
const MAX_FAILED_STARTS = 2;

/**
 * `size` workers, each fitting one path at a time; paths wait in line, first come first served, except that `touch`
 * moves a request to the front (the pair a performer is moving). A point does not wait in line: it goes to a worker at
 * once, which fits it between two chunks of its path. Workers start on the first request (or ahead, with `start`) and
 * do not keep the process alive.
 */
export class FitPool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Waiting>();
  /** Points sent, by request id, with the worker each went to. */
  private readonly points = new Map<number, { readonly worker: Worker; resolve(f: PathFits): void; reject(e: Error): void }>();
  private readonly workers: Worker[] = [];
  private readonly line: Waiting[] = [];
  private started = 0;
  private ids = 0;
  private touches = 0;
  private closed = false;
  private decoder: DecoderMessage | null = null;
  /** Workers in a row that died before answering anything. */
  private failedStarts = 0;
  private brokenBy: Error | null = null;

  /** `onWorkerStart` runs on this thread as each worker comes online. */
  constructor(
    readonly size: number,
    private readonly onWorkerStart: () => void = () => undefined,
    private readonly opts: FitPoolOptions = {},
  ) {
    if (!(size >= 1)) throw new RangeError('a fit pool needs at least one worker');
  }

  /** Why the workers could not start (see FitPoolOptions.onBroken), or null while they can. */
  get broken(): Error | null {
    return this.brokenBy;
  }

  /** Starts every worker now (instead of on the first request); resolves once all are online. */
  async start(): Promise<void> {
    const started: Worker[] = [];
    while (this.started < this.size) started.push(this.spawnIdle());
    await Promise.all(started.map((w) => new Promise<void>((resolve) => w.once('online', () => resolve()).once('error', () => resolve()))));
  }

  fit(key: string, rows: Float64Array, specs: readonly BandSpec[]): Promise<PathFits> {
    return this.ask(key, { id: ++this.ids, kind: 'fit', rows, specs });
  }

  /**
   * The layout fitted to one point of a pair (fitLayoutSample from `initial`, or from seedFromSource of the point's
   * row): `params` is one row of the layout's parameters, `maeDb` its one error. A point given by latent points needs
   * the pool's decoder (useDecoder). An `urgent` point (a channel being moved) is answered before the points asked
   * before it.
   */
  async point(at: { readonly row: ArrayLike<number> } | { readonly za: ArrayLike<number>; readonly zb: ArrayLike<number>; readonly alpha: number }, specs: readonly BandSpec[], initial?: ArrayLike<number>, urgent = false): Promise<PathFits> {
    if (this.closed) throw new Error('the fit pool is closed');
    if (this.brokenBy) throw this.brokenBy;
    if ('za' in at && !this.decoder) throw new Error('the fit pool has no decoder');
    const source: PointSource = 'za' in at ? { za: Float64Array.from(at.za), zb: Float64Array.from(at.zb), alpha: at.alpha } : { row: Float64Array.from(at.row) };
    const req: FitRequest = { id: ++this.ids, kind: 'point', at: source, specs, initial: initial ? Float64Array.from(initial) : null, urgent };
    // An idle worker with no point in hand, a new one while the pool has room, else the least loaded.
    const load = (w: Worker) => (this.busy.has(w) ? 1 : 0) + [...this.points.values()].filter((p) => p.worker === w).length;
    const free = this.workers.find((w) => load(w) === 0);
    const worker = free ?? (this.started < this.size ? this.spawnIdle() : this.workers.reduce((a, b) => (load(b) < load(a) ? b : a)));
    return new Promise((resolve, reject) => {
      this.points.set(req.id, { worker, resolve, reject });
      worker.postMessage(req);
    });
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
    for (const w of this.workers) w.postMessage(this.decoder);
  }

  get hasDecoder(): boolean {
    return this.decoder !== null;
  }

  private ask(key: string, req: FitRequest): Promise<PathFits> {
    if (this.closed) return Promise.reject(new Error('the fit pool is closed'));
    if (this.brokenBy) return Promise.reject(this.brokenBy);
    return new Promise((resolve, reject) => {
      this.line.push({ req, key, touched: 0, resolve, reject });
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
    return this.line.length + this.busy.size + this.points.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.refuseAll(new Error('the fit pool is closed'));
  }

  /** Rejects everything waiting or in a worker with `err`, and ends the workers. */
  private refuseAll(err: Error): Promise<unknown> {
    for (const w of this.line.splice(0)) w.reject(err);
    for (const w of [...this.busy.values(), ...this.points.values()]) w.reject(err);
    this.busy.clear();
    this.points.clear();
    this.idle.length = 0;
    return Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.line.length > 0 && !this.brokenBy) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      // Touched requests first, the latest touch first; then first come, first served.
      let at = 0;
      this.line.forEach((w, i) => {
        if (w.touched > this.line[at]!.touched) at = i;
      });
      const next = this.line.splice(at, 1)[0]!;
      this.busy.set(worker, next);
      worker.postMessage(next.req);
    }
  }

  private spawnIdle(): Worker {
    const worker = this.spawn();
    this.idle.push(worker);
    return worker;
  }

  private spawn(): Worker {
    this.started++;
    const worker = (this.opts.startWorker ?? startWorker)();
    this.workers.push(worker);
    worker.unref();
    worker.once('online', () => this.onWorkerStart());
    if (this.decoder) worker.postMessage(this.decoder);
    let answered = false;
    worker.on('message', (reply: FitReply) => {
      answered = true;
      this.failedStarts = 0;
      const point = this.points.get(reply.id);
      if (point) {
        this.points.delete(reply.id);
        if (reply.ok) point.resolve({ params: reply.params, maeDb: reply.maeDb });
        else point.reject(new Error(reply.error));
        return;
      }
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
      if (this.workers.includes(worker)) this.workers.splice(this.workers.indexOf(worker), 1);
      this.started--;
      w?.reject(err);
      for (const [id, p] of this.points) {
        if (p.worker !== worker) continue;
        this.points.delete(id);
        p.reject(err);
      }
      if (!answered && ++this.failedStarts >= MAX_FAILED_STARTS && !this.closed) return this.breakDown(err);
      if (!this.closed) this.pump();
    });
    return worker;
  }

  /** The workers cannot start: everything waiting and asked from now on is refused, and no worker is started again. */
  private breakDown(err: Error): void {
    this.brokenBy = err;
    void this.refuseAll(err);
    this.opts.onBroken?.(err);
  }
}
