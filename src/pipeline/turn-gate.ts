// Lets costly frames through one turn of the event loop at a time, so the datagrams of every other channel are read between them.

import { Observable } from 'rxjs';
import { DEFAULT_BUDGET_MS } from '../morph/build-scheduler.js';

export interface TurnGateOptions {
  /** Milliseconds of gated work per turn; at least one piece runs per turn, however long it takes. */
  readonly budgetMs?: number;
  /** The clock, in ms (tests inject one). */
  readonly now?: () => number;
  /** Runs `fn` on a later turn of the event loop, after its I/O (tests run turns by hand). */
  readonly defer?: (fn: () => void) => void;
}

interface Waiting {
  readonly emit: () => void;
  gone: boolean;
}

/**
 * A line of pieces of work that each cost milliseconds (a pair's first answer while its table is built: a decode, a
 * straightened sample, a layout fit). `slot()` emits once, on a later turn, in the order asked; a turn lets waiters
 * through until `budgetMs` is spent, then gives the turn back, so a scene that gives 16 channels new pairs at once
 * costs 16 short turns with the faders' I/O read between them, not one long one.
 */
export class TurnGate {
  private readonly budgetMs: number;
  private readonly now: () => number;
  private readonly defer: (fn: () => void) => void;
  private line: Waiting[] = [];
  /** Waiters that go after every waiter of `line`: snapshots, behind a performer's moves. */
  private behind: Waiting[] = [];
  private scheduled = false;

  constructor(opts: TurnGateOptions = {}) {
    this.budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
    this.now = opts.now ?? (() => performance.now());
    this.defer = opts.defer ?? ((fn) => void setImmediate(fn));
  }

  /**
   * Emits once, then completes, when this waiter's turn comes; unsubscribing leaves the line. A waiter `behind` lets
   * every other waiter go first, even one that comes later (a desk's start snapshot waits behind a fader being moved).
   */
  slot(behind = false): Observable<void> {
    return new Observable<void>((sub) => {
      const w: Waiting = {
        gone: false,
        emit: () => {
          sub.next();
          sub.complete();
        },
      };
      (behind ? this.behind : this.line).push(w);
      this.wake();
      return () => {
        w.gone = true;
      };
    });
  }

  /** Waiters in line (those that left are dropped as the line moves). */
  get waiting(): number {
    return [...this.line, ...this.behind].filter((w) => !w.gone).length;
  }

  /** One turn: waiters in order until the budget is spent (at least one). */
  runTurn(): void {
    this.scheduled = false;
    const start = this.now();
    do {
      const next = this.line.shift() ?? this.behind.shift();
      if (!next) break;
      if (next.gone) continue;
      next.gone = true;
      next.emit();
    } while (this.now() - start < this.budgetMs);
    this.wake();
  }

  private wake(): void {
    if (this.scheduled) return;
    for (const l of [this.line, this.behind]) while (l.length > 0 && l[0]!.gone) l.shift();
    if (this.line.length === 0 && this.behind.length === 0) return;
    this.scheduled = true;
    this.defer(() => this.runTurn());
  }
}
