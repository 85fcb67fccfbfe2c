// Bounds how often repeated warnings reach the log: one line per key per window, and at most so many lines per window in all.

import { asyncScheduler, filter, map, scan, type OperatorFunction, type SchedulerLike } from 'rxjs';

export interface LogLimits {
  /** A key (an address, a reason) is shown at most once per window. */
  readonly windowMs: number;
  /** Lines shown per window over all keys; a flood of distinct keys (random addresses) stays bounded too. */
  readonly maxLinesPerWindow: number;
  /** Keys remembered at once; beyond it the oldest expired ones are forgotten, and new ones wait for room. */
  readonly maxKeys: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { windowMs: 5000, maxLinesPerWindow: 20, maxKeys: 256 };

export interface LogLimitState {
  readonly perKey: ReadonlyMap<string, { readonly shownAt: number; readonly suppressed: number }>;
  readonly windowStart: number;
  readonly linesInWindow: number;
  /** Occurrences held back by the overall cap (or the key limit) since the last line shown. */
  readonly othersSuppressed: number;
}

export const EMPTY_LOG_LIMIT_STATE: LogLimitState = { perKey: new Map(), windowStart: -Infinity, linesInWindow: 0, othersSuppressed: 0 };

export interface LogDecision {
  readonly state: LogLimitState;
  readonly show: boolean;
  /** When shown: occurrences of this key held back since its last line. */
  readonly suppressed: number;
  /** When shown: occurrences of other keys held back by the overall cap since the last line. */
  readonly othersSuppressed: number;
}

/** Whether one occurrence of `key` at time `now` is shown; pure, so the bound can be checked for every sequence. */
export function decideLog(state: LogLimitState, key: string, now: number, limits: LogLimits): LogDecision {
  const hold = (next: LogLimitState): LogDecision => ({ state: next, show: false, suppressed: 0, othersSuppressed: 0 });
  const entry = state.perKey.get(key);
  if (entry && now - entry.shownAt < limits.windowMs) {
    return hold({ ...state, perKey: new Map(state.perKey).set(key, { ...entry, suppressed: entry.suppressed + 1 }) });
  }
  const newWindow = now - state.windowStart >= limits.windowMs;
  const windowStart = newWindow ? now : state.windowStart;
  const linesInWindow = newWindow ? 0 : state.linesInWindow;
  let perKey = state.perKey;
  let others = state.othersSuppressed;
  if (!entry && perKey.size >= limits.maxKeys) {
    // Expired keys are forgotten; what they still held back moves to the overall count, so nothing goes unreported.
    const kept = [...perKey].filter(([, e]) => now - e.shownAt < limits.windowMs);
    for (const [k, e] of perKey) if (!kept.some(([kk]) => kk === k)) others += e.suppressed;
    perKey = new Map(kept);
  }
  if (linesInWindow >= limits.maxLinesPerWindow || (!entry && perKey.size >= limits.maxKeys)) {
    return hold({ perKey, windowStart, linesInWindow, othersSuppressed: others + 1 });
  }
  const next: LogLimitState = { perKey: new Map(perKey).set(key, { shownAt: now, suppressed: 0 }), windowStart, linesInWindow: linesInWindow + 1, othersSuppressed: 0 };
  return { state: next, show: true, suppressed: entry?.suppressed ?? 0, othersSuppressed: others };
}

export interface Limited<T> {
  readonly item: T;
  readonly suppressed: number;
  readonly othersSuppressed: number;
}

/** Lets through the occurrences `decideLog` shows, with how many were held back before each; the clock is the scheduler's. */
export function throttleLog<T>(keyOf: (item: T) => string, limits: LogLimits = DEFAULT_LOG_LIMITS, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<T, Limited<T>> {
  return (source) =>
    source.pipe(
      scan((acc: { decision: LogDecision; item: T | undefined }, item: T) => ({ decision: decideLog(acc.decision.state, keyOf(item), scheduler.now(), limits), item }), {
        decision: { state: EMPTY_LOG_LIMIT_STATE, show: false, suppressed: 0, othersSuppressed: 0 },
        item: undefined as T | undefined,
      }),
      filter((acc) => acc.decision.show),
      map((acc) => ({ item: acc.item as T, suppressed: acc.decision.suppressed, othersSuppressed: acc.decision.othersSuppressed })),
    );
}

/** A shown line with what was held back, e.g. `unknown OSC address /x (12 more not shown)`. */
export function limitedText(l: Limited<{ readonly text: string }>): string {
  const notes = [l.suppressed > 0 ? `${l.suppressed} more not shown` : '', l.othersSuppressed > 0 ? `${l.othersSuppressed} other warnings not shown` : ''].filter((s) => s);
  return notes.length ? `${l.item.text} (${notes.join('; ')})` : l.item.text;
}
