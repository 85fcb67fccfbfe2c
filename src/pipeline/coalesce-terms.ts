// Keeps only the newest word per control, looked up at most once per window: a flood of words costs the fader nothing.

import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { ControlEvent } from '../codecs/control-value.js';

/** Emits once on the next turn of the event loop, after the I/O callbacks of this one. */
export const nextTurn = () =>
  new Observable<void>((sub) => {
    const id = setImmediate(() => sub.next());
    return () => clearImmediate(id);
  });

/**
 * At most one word per control is looked up per this many milliseconds, unless a move of another control of the same
 * input comes after it (see `coalesceTerms`). A word someone sends by itself is not held: it goes on at the end of its
 * turn. Only a stream of words waits, for the newest one to go on at the end of the window. Under a flood of 100,000
 * words in 2 s the bridge read about three datagrams a turn, so a lookup per turn still came to 15,000 a second, each
 * ~15 µs through the bindings and the log: a quarter of a core (bench/flood.ts).
 */
export const TERM_WINDOW_MS = 10;

export interface CoalesceTermsOptions {
  readonly windowMs?: number;
  /** Told how many words were replaced by a newer one from the same control before they were looked up. */
  readonly onSuperseded?: (n: number) => void;
  /** The clock and the window's timer (tests pass a virtual one). */
  readonly scheduler?: SchedulerLike;
}

/** One control's words: the newest not yet passed on, how many came since the last one passed, and when that was. */
interface Pending {
  readonly input: string;
  word: ControlEvent | null;
  count: number;
  passedAt: number;
  /** The end of its window, when it waits for one; null when it waits for the end of the turn (or nothing). */
  window: Subscription | null;
}

/**
 * Text events (a word for term A or B) are looked up against the vocabulary, which costs far more than a fader move:
 * only the newest word a control sent is passed on, at the end of the turn it came in if the control's last word went
 * on a window ago or more, otherwise at the end of that window. Every other event passes at once and in order, and
 * after the words its input sent before it: a word then a fader move sent right after it morphs on the new word, as
 * the player meant (such a word goes on at once, whatever its window; there is one per move at most). Keys are a
 * profile's controls, so the groups are few.
 */
export function coalesceTerms(opts: CoalesceTermsOptions = {}): MonoTypeOperatorFunction<ControlEvent> {
  const windowMs = opts.windowMs ?? TERM_WINDOW_MS;
  const scheduler = opts.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<ControlEvent>((out) => {
      // In the order each control's words first came: so are they passed on together.
      const controls = new Map<string, Pending>();
      let turn: NodeJS.Immediate | null = null;

      const pass = (p: Pending) => {
        const word = p.word!;
        p.window?.unsubscribe();
        p.window = null;
        if (p.count > 1) opts.onSuperseded?.(p.count - 1);
        p.word = null;
        p.count = 0;
        p.passedAt = scheduler.now();
        out.next(word);
      };
      const endOfTurn = () => {
        turn = null;
        for (const p of controls.values()) if (p.word && !p.window) pass(p);
      };
      const hold = (e: ControlEvent) => {
        const key = `${e.input}\u0000${e.control}`;
        let p = controls.get(key);
        if (!p) controls.set(key, (p = { input: e.input, word: null, count: 0, passedAt: -Infinity, window: null }));
        const waiting = p.word !== null;
        p.word = e;
        p.count++;
        if (waiting) return;
        const wait = p.passedAt + windowMs - scheduler.now();
        if (wait > 0) {
          const held = p;
          p.window = scheduler.schedule(() => {
            held.window = null;
            if (held.word) pass(held);
          }, wait);
          return;
        }
        turn ??= setImmediate(endOfTurn);
      };
      /** Words an input sent before `e`, passed on ahead of it. */
      const passBefore = (e: ControlEvent) => {
        for (const p of controls.values()) if (p.word && p.input === e.input) pass(p);
      };
      const sub = source.subscribe({
        next: (e) => {
          if (e.value.kind === 'text') return hold(e);
          if (controls.size > 0) passBefore(e);
          out.next(e);
        },
        error: (err) => out.error(err),
        complete: () => {
          for (const p of controls.values()) if (p.word) pass(p);
          out.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        if (turn) clearImmediate(turn);
        for (const p of controls.values()) p.window?.unsubscribe();
      };
    });
}
