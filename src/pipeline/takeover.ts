// Absolute-control glue: range, reverse, curve and takeover (jump, pickup, scale), pure; takeover state kept apart from settings.

import type { Curve, TakeoverMode } from '../profiles/types.js';

export interface AbsoluteGlue {
  readonly takeover: TakeoverMode;
  readonly curve: Curve;
  readonly reverse: boolean;
  readonly range: readonly [number, number];
}

/** Per binding: the control's last position (0..1 after curve) and whether pickup has caught the target. */
export interface TakeoverState {
  readonly last: number | null;
  readonly caught: boolean;
}

export const FRESH_TAKEOVER: TakeoverState = { last: null, caught: false };

/** A control's 0..1 position through its response curve (monotonic, ends fixed). */
export function applyCurve(x: number, curve: Curve): number {
  const v = x < 0 ? 0 : x > 1 ? 1 : x;
  switch (curve.kind) {
    case 'linear':
      return v;
    case 'exp':
      return v * v;
    case 'log':
      return Math.sqrt(v);
    case 's-curve':
      return v * v * (3 - 2 * v);
    case 'power':
      return v ** curve.exponent;
  }
}

/**
 * The target value (in the glue's range) for a new control position, and the new takeover state; value null means
 * "leave the target alone". `current` is the target's present value.
 * - jump: the target follows the control at once.
 * - pickup: the control is ignored until it reaches the target's position or crosses it between two events (so a fast
 *   sweep that jumps over the value still picks up), then it follows.
 * - scale: the target moves toward the control's end by the same share of the remaining travel, converging when the
 *   control reaches an end: t' = t + (c' - c) * (c' > c ? (1 - t) / (1 - c) : t / c), in 0..1 terms.
 */
export function applyAbsoluteGlue(glue: AbsoluteGlue, state: TakeoverState, position: number, current: number): { value: number | null; state: TakeoverState } {
  const [lo, hi] = glue.range;
  const span = hi - lo || 1;
  let c = applyCurve(position, glue.curve);
  if (glue.reverse) c = 1 - c;
  const t = Math.min(1, Math.max(0, (current - lo) / span));
  const toRange = (u: number) => lo + Math.min(1, Math.max(0, u)) * span;
  switch (glue.takeover) {
    case 'jump':
      return { value: toRange(c), state: { last: c, caught: true } };
    case 'pickup': {
      const near = Math.abs(c - t) <= 1 / 254;
      const crossed = state.last !== null && (state.last - t) * (c - t) <= 0;
      const caught = state.caught || near || crossed;
      return { value: caught ? toRange(c) : null, state: { last: c, caught } };
    }
    case 'scale': {
      const prev = state.last;
      if (prev === null || c === prev) return { value: null, state: { last: c, caught: false } };
      const moved = c > prev ? t + ((c - prev) * (1 - t)) / Math.max(1e-9, 1 - prev) : t - ((prev - c) * t) / Math.max(1e-9, prev);
      return { value: toRange(moved), state: { last: c, caught: false } };
    }
  }
}

/** After another source moved the target, pickup must catch it again. */
export function rearm(state: TakeoverState): TakeoverState {
  return { last: state.last, caught: false };
}
