// Keeps only the newest word per control, looked up at most once per window: a flood of words costs the fader nothing.

import { asyncScheduler, audit, filter, groupBy, merge, mergeMap, Observable, share, tap, timer, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import type { ControlEvent } from '../codecs/control-value.js';

/** Emits once on the next turn of the event loop, after the I/O callbacks of this one. */
export const nextTurn = () =>
  new Observable<void>((sub) => {
    const id = setImmediate(() => sub.next());
    return () => clearImmediate(id);
  });

/**
 * At most one word per control is looked up per this many milliseconds. A word someone sends by itself is not held: it
 * goes on at the end of its turn. Only a stream of words waits, for the newest one to go on at the end of the window.
 * Under a flood of 100,000 words in 2 s the bridge read about three datagrams a turn, so a lookup per turn still came
 * to 15,000 a second, each ~15 µs through the bindings and the log: a quarter of a core (bench/flood.ts).
 */
export const TERM_WINDOW_MS = 10;

export interface CoalesceTermsOptions {
  readonly windowMs?: number;
  /** Told how many words were replaced by a newer one from the same control before they were looked up. */
  readonly onSuperseded?: (n: number) => void;
  /** The clock and the window's timer (tests pass a virtual one). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Text events (a word for term A or B) are looked up against the vocabulary, which costs far more than a fader move:
 * only the newest word a control sent is passed on, at the end of the turn it came in if the control's last word went
 * on a window ago or more, otherwise at the end of that window. Every other event passes at once and in order. Keys
 * are a profile's controls, so the groups are few.
 */
export function coalesceTerms(opts: CoalesceTermsOptions = {}): MonoTypeOperatorFunction<ControlEvent> {
  const windowMs = opts.windowMs ?? TERM_WINDOW_MS;
  const scheduler = opts.scheduler ?? asyncScheduler;
  return (source) => {
    const shared = source.pipe(share());
    return merge(
      shared.pipe(filter((e) => e.value.kind !== 'text')),
      shared.pipe(
        filter((e) => e.value.kind === 'text'),
        groupBy((e) => `${e.input}\u0000${e.control}`),
        mergeMap((group) => {
          // Per control: when its last word went on, and how many words came since.
          let passedAt = -Infinity;
          let waiting = 0;
          return group.pipe(
            tap(() => waiting++),
            audit(() => {
              const wait = passedAt + windowMs - scheduler.now();
              return wait > 0 ? timer(wait, scheduler) : nextTurn();
            }),
            tap(() => {
              passedAt = scheduler.now();
              if (waiting > 1) opts.onSuperseded?.(waiting - 1);
              waiting = 0;
            }),
          );
        }),
      ),
    );
  };
}
