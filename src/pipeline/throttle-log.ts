// Bounds how often repeated warnings reach the log: one line per key per window, and at most so many lines per window in all.

import { asyncScheduler, defer, filter, map, type OperatorFunction, type SchedulerLike } from 'rxjs';

export interface LogLimits {
  /** A key (an address, a reason) is shown at most once per window. */
  readonly windowMs: number;
  /** Lines shown per window over all keys; a flood of distinct keys (random addresses) stays bounded too. */
  readonly maxLinesPerWindow: number;
  /** Keys remembered at once; beyond it the oldest expired ones are forgotten, and new ones wait for room. */
  readonly maxKeys: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { windowMs: 5000, maxLinesPerWindow: 20, maxKeys: 256 };

export interface LogDecision {
  readonly show: boolean;
  /** When shown: occurrences of this key held back since its last line. */
  readonly suppressed: number;
  /** When shown: occurrences of other keys held back by the overall cap since the last line. */
  readonly othersSuppressed: number;
}

const HOLD: LogDecision = { show: false, suppressed: 0, othersSuppressed: 0 };

/**
 * Whether each occurrence of a key is shown, in O(1) amortised time per occurrence: a flood of warnings must cost the
 * bridge no more than the warnings themselves. Keys sit in a Map in the order they were last shown, so the expired ones
 * are always at its front and each is removed once.
 */
export class LogLimiter {
  private readonly perKey = new Map<string, { shownAt: number; suppressed: number }>();
  private windowStart = -Infinity;
  private linesInWindow = 0;
  /** Occurrences held back by the overall cap (or the key limit) since the last line shown. */
  private othersSuppressed = 0;
  /** Map entries visited (looked up, evicted) since creation: bounded by a constant times the occurrences (tests). */
  work = 0;

  constructor(private readonly limits: LogLimits = DEFAULT_LOG_LIMITS) {}

  decide(key: string, now: number): LogDecision {
    const { windowMs, maxLinesPerWindow, maxKeys } = this.limits;
    this.work++;
    const entry = this.perKey.get(key);
    if (entry && now - entry.shownAt < windowMs) {
      entry.suppressed++;
      return HOLD;
    }
    if (now - this.windowStart >= windowMs) {
      this.windowStart = now;
      this.linesInWindow = 0;
    }
    if (!entry) this.forgetExpired(now);
    if (this.linesInWindow >= maxLinesPerWindow || (!entry && this.perKey.size >= maxKeys)) {
      this.othersSuppressed++;
      return HOLD;
    }
    const decision: LogDecision = { show: true, suppressed: entry?.suppressed ?? 0, othersSuppressed: this.othersSuppressed };
    // Deleted and set again, so the Map stays ordered by the time each key was last shown.
    this.perKey.delete(key);
    this.perKey.set(key, { shownAt: now, suppressed: 0 });
    this.linesInWindow++;
    this.othersSuppressed = 0;
    return decision;
  }

  /** Occurrences held back and not yet reported with a shown line. */
  pending(): number {
    let n = this.othersSuppressed;
    for (const e of this.perKey.values()) n += e.suppressed;
    return n;
  }

  /** When the key table is full: drops the keys whose window has passed; what they still held back moves to the overall count. */
  private forgetExpired(now: number): void {
    if (this.perKey.size < this.limits.maxKeys) return;
    for (const [k, e] of this.perKey) {
      if (now - e.shownAt < this.limits.windowMs) break;
      this.work++;
      this.othersSuppressed += e.suppressed;
      this.perKey.delete(k);
    }
  }
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
      // One limiter per subscription, as scan's seed would be; it is mutated in place so that an occurrence costs O(1).
      (s) => defer(() => {
        const limiter = new LogLimiter(limits);
        return s.pipe(map((item) => ({ item, d: limiter.decide(keyOf(item), scheduler.now()) })));
      }),
      filter((x) => x.d.show),
      map((x) => ({ item: x.item, suppressed: x.d.suppressed, othersSuppressed: x.d.othersSuppressed })),
    );
}

/** A shown line with what was held back, e.g. `unknown OSC address /x (12 more not shown)`. */
export function limitedText(l: Limited<{ readonly text: string }>): string {
  const notes = [l.suppressed > 0 ? `${l.suppressed} more not shown` : '', l.othersSuppressed > 0 ? `${l.othersSuppressed} other warnings not shown` : ''].filter((s) => s);
  return notes.length ? `${l.item.text} (${notes.join('; ')})` : l.item.text;
}
