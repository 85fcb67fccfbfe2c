// An operator that releases keyed messages under a byte-per-second budget (a DIN MIDI cable), latest value first-class.

import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

export interface Budgeted {
  /** Which parameter this is: a newer message for the same key replaces a pending one. */
  readonly key: string;
  readonly bytes: readonly number[];
}

export interface BudgetOptions {
  readonly bytesPerSecond: number;
  /** The largest message that will pass (bytes); the pacing keeps that much in reserve. 12 covers a 14-bit NRPN. */
  readonly maxMessageBytes?: number;
  readonly scheduler?: SchedulerLike;
  /** Called with the number of pending messages whenever it changes (benchmarks read the maximum). */
  readonly onPending?: (pending: number) => void;
}

/**
 * Messages are sent at once while the budget allows, else held one per key (a newer value replaces the held one in
 * place, so the queue is bounded by the number of parameters, never by the number of events, and never holds a stale
 * value). Each send waits n / (rate - maxMessageBytes) seconds after the previous one, which keeps the bytes sent in
 * any one-second window at or under `bytesPerSecond`. When the source completes, what is held is still delivered:
 * the last value always arrives.
 */
export function budgetBytes<T extends Budgeted>(opts: BudgetOptions): OperatorFunction<T, T> {
  const scheduler = opts.scheduler ?? asyncScheduler;
  const reserve = opts.maxMessageBytes ?? 12;
  const rate = opts.bytesPerSecond - reserve;
  if (!(rate > 0)) throw new RangeError(`bytesPerSecond must exceed the largest message (${reserve} bytes)`);
  return (source) =>
    new Observable<T>((subscriber) => {
      const pending = new Map<string, T>();
      let nextFree = -Infinity;
      let timer: Subscription | null = null;
      let sourceDone = false;

      const report = () => opts.onPending?.(pending.size);
      const finishIfDone = () => {
        if (sourceDone && pending.size === 0 && timer === null) subscriber.complete();
      };
      const drain = () => {
        timer = null;
        while (pending.size > 0) {
          const now = scheduler.now();
          const [key, msg] = pending.entries().next().value as [string, T];
          const wait = Math.max(0, nextFree - now);
          if (wait > 0) {
            timer = scheduler.schedule(drain, wait);
            return;
          }
          pending.delete(key);
          report();
          nextFree = now + (1000 * msg.bytes.length) / rate;
          subscriber.next(msg);
        }
        finishIfDone();
      };
      const sub = source.subscribe({
        next: (msg) => {
          // A Map keeps an existing key's place in line, so a replaced value waits no longer than the one it replaces.
          pending.set(msg.key, msg);
          report();
          if (timer === null) drain();
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          finishIfDone();
        },
      });
      return () => {
        sub.unsubscribe();
        timer?.unsubscribe();
        pending.clear();
      };
    });
}
