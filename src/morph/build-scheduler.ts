// One queue for all background table building: small slices of work within a time budget per event-loop turn, the pair a performer moves first.

/** A table built in small slices: each call to `step` does one slice (a few samples, one fit) and says whether the job is done. */
export interface BuildJob {
  step(): boolean;
  /**
   * True while the job waits for work done elsewhere (a worker thread): the scheduler passes it over, and whoever
   * finishes that work calls `wake`.
   */
  waiting?(): boolean;
}

/** Runs work written as slices (a generator that yields between them) to its end at once: tests, the CLI, benchmarks. */
export function runToEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export interface BuildSchedulerOptions {
  /**
   * Milliseconds of slices per event-loop turn. A fader datagram that arrives during a turn waits for the rest of it,
   * so the budget is what background work may add to a fader's latency (plus one slice, which is never cut short).
   */
  readonly budgetMs?: number;
  /** The clock, in ms (tests inject one). */
  readonly now?: () => number;
  /** Runs `fn` on a later turn of the event loop, after its I/O (tests run turns by hand). */
  readonly defer?: (fn: () => void) => void;
}

/** Half a millisecond: about the bare UDP echo's p99 on this kind of machine, so a fader waits at most about as long again. */
export const DEFAULT_BUDGET_MS = 0.5;

interface Queued {
  readonly key: string;
  readonly job: BuildJob;
  /** Order of arrival: the queue is first come, first served. */
  readonly seq: number;
  /** Order of the last `touch` (0: never): touched jobs go first, the most recently touched first. */
  touched: number;
}

/**
 * Runs every background build of a process, one job at a time so tables come ready one after another (a half-built
 * table answers nothing). In each turn it runs slices of the first job in line until `budgetMs` is spent, then gives
 * the turn back. `touch` moves a job to the front: the pair a performer is moving now is built before the pairs that
 * are only waiting.
 */
export class BuildScheduler {
  private readonly budgetMs: number;
  private readonly now: () => number;
  private readonly defer: (fn: () => void) => void;
  private readonly queue = new Map<string, Queued>();
  private seq = 0;
  private touches = 0;
  private scheduled = false;
  private paused = 0;
  private waiters: (() => void)[] = [];
  /** Slices run and turns used since the scheduler was made (benchmarks, tests). */
  readonly stats = { slices: 0, turns: 0, jobsDone: 0 };

  constructor(opts: BuildSchedulerOptions = {}) {
    this.budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
    this.now = opts.now ?? (() => performance.now());
    this.defer = opts.defer ?? ((fn) => void setImmediate(fn));
  }

  /** Queues a job under `key`; a key already queued keeps its job. */
  add(key: string, job: BuildJob): void {
    if (this.queue.has(key)) return;
    this.queue.set(key, { key, job, seq: ++this.seq, touched: 0 });
    this.wake();
  }

  has(key: string): boolean {
    return this.queue.has(key);
  }

  /** Moves a queued job to the front (a performer is using its pair now); nothing if it is not queued. */
  touch(key: string): void {
    const q = this.queue.get(key);
    if (q) q.touched = ++this.touches;
  }

  /** Drops a job that is no longer wanted. */
  cancel(key: string): void {
    this.queue.delete(key);
    this.settle();
  }

  /**
   * Holds all background work until `resume` (calls nest): for a short stretch that must have the thread to itself,
   * like the rehearsal, whose moves would otherwise each wait behind a slice.
   */
  pause(): void {
    this.paused++;
  }

  resume(): void {
    if (this.paused > 0) this.paused--;
    this.wake();
  }

  get pending(): number {
    return this.queue.size;
  }

  /** The keys in the order they will run. */
  order(): string[] {
    return [...this.queue.values()].sort(byPriority).map((q) => q.key);
  }

  /** Resolves when nothing is queued. */
  idle(): Promise<void> {
    if (this.queue.size === 0) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /**
   * One turn: slices of the first job in line until the budget is spent (at least one slice, so every turn makes
   * progress). A finished job leaves the queue and the next one in line goes on within the same budget.
   */
  runTurn(): void {
    this.scheduled = false;
    if (this.paused > 0) return;
    this.stats.turns++;
    const start = this.now();
    do {
      const next = this.first();
      if (!next) break;
      this.stats.slices++;
      let done: boolean;
      try {
        done = next.job.step();
      } catch {
        // A failing job (a term removed by a reload, a broken fit) is dropped: the pair keeps its interim answers.
        done = true;
      }
      if (done && this.queue.get(next.key) === next) {
        this.queue.delete(next.key);
        this.stats.jobsDone++;
      }
    } while (this.now() - start < this.budgetMs);
    this.settle();
    this.wake();
  }

  private first(): Queued | undefined {
    let best: Queued | undefined;
    for (const q of this.queue.values()) if ((!best || byPriority(q, best) < 0) && !q.job.waiting?.()) best = q;
    return best;
  }

  /** Schedules a turn if a job can run: called when a job stops waiting (see BuildJob.waiting). */
  wake(): void {
    if (this.scheduled || this.paused > 0 || !this.first()) return;
    this.scheduled = true;
    this.defer(() => this.runTurn());
  }

  private settle(): void {
    if (this.queue.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

function byPriority(a: Queued, b: Queued): number {
  return b.touched - a.touched || a.seq - b.seq;
}
