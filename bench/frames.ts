// The latency harness's pure parts: the alpha sequence, percentiles, and matching output messages to the input frames that caused them.

/** One OSC message as the receiver saw it: address, first argument, arrival time in ns (CLOCK_MONOTONIC). */
export interface Arrival {
  readonly address: string;
  readonly value: number;
  readonly t: number;
}

/** The message that ends a frame: the last parameter the frame changes, in the order the bridge sends them. */
export interface FrameEnd {
  readonly address: string;
  readonly value: number;
}

const PHI = 0.6180339887498949;

/**
 * The k-th alpha of a run, as float32 (what OSC carries). Consecutive values are 0.38 or 0.62 apart (golden-ratio
 * steps modulo 1), so every decoded parameter moves far more than float32's resolution from one frame to the next:
 * the bridge, which sends only changed values, sends the whole frame every time; and no value repeats within a run.
 */
export function alphaAt(k: number): number {
  return Math.fround(((k + 1) * PHI) % 1);
}

/** The p-quantile (0..1) of ascending `sorted` by the nearest-rank method: the smallest sample with at least p of all at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Frames the wire caught up with. */
  readonly frames: number;
  /** Frames after which nothing arrived (lost at the end of a run). */
  readonly unmatched: number;
}

export function summarise(latenciesMs: readonly (number | null)[]): LatencySummary {
  const got = latenciesMs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  return {
    p50Ms: percentile(got, 0.5),
    p99Ms: percentile(got, 0.99),
    maxMs: got.length ? got[got.length - 1]! : NaN,
    frames: got.length,
    unmatched: latenciesMs.length - got.length,
  };
}

/** Equal at float32 resolution (the wire's), with room for a last-bit difference between two processes' arithmetic. */
export function sameFloat(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Arrival time of each frame's last message, or null where it never came. Messages to one address arrive in the order
 * they were sent (one socket, loopback), so each address is matched as a merge of two ordered lists: the expected
 * values of the frames ending on it, and the values that arrived there. A value that matches nothing (the start
 * snapshot, a frame that was lost) is skipped, looking at most `window` messages ahead, so one loss never shifts
 * the frames after it.
 */
export function matchFrames(ends: readonly (FrameEnd | null)[], arrivals: readonly Arrival[], window = 8): (number | null)[] {
  const byAddress = new Map<string, Arrival[]>();
  for (const a of arrivals) {
    let list = byAddress.get(a.address);
    if (!list) byAddress.set(a.address, (list = []));
    list.push(a);
  }
  const cursor = new Map<string, number>();
  return ends.map((end) => {
    if (!end) return null;
    const list = byAddress.get(end.address) ?? [];
    const from = cursor.get(end.address) ?? 0;
    for (let i = from; i < Math.min(list.length, from + window); i++) {
      if (sameFloat(list[i]!.value, end.value)) {
        cursor.set(end.address, i + 1);
        return list[i]!.t;
      }
    }
    return null;
  });
}

/**
 * When the output first showed frame k or a newer one: the earliest arrival among frames k, k+1, ... The bridge sends
 * only the newest state of the events it read in one turn, so an older frame is never sent on its own: the wire then
 * caught up with it when the newer frame arrived. Null where no later frame arrived either.
 */
export function caughtUp(arrivedNs: readonly (number | null)[]): (number | null)[] {
  const out: (number | null)[] = new Array(arrivedNs.length).fill(null);
  let next: number | null = null;
  for (let k = arrivedNs.length - 1; k >= 0; k--) {
    const a = arrivedNs[k];
    if (a != null && (next === null || a < next)) next = a;
    out[k] = next;
  }
  return out;
}

/** Fader-to-wire latency per frame in ms: when the wire caught up with it minus the time its input was sent (both ns). */
export function latenciesMs(sentNs: readonly number[], arrivedNs: readonly (number | null)[]): (number | null)[] {
  const caught = caughtUp(arrivedNs);
  return sentNs.map((s, k) => (caught[k] == null ? null : (caught[k]! - s) / 1e6));
}

/**
 * When the output settled on its final values: the latest arrival among each address's last message, provided every
 * address's last message carries its expected final value; null if any does not (the output never caught up).
 */
export function settledAt(finals: ReadonlyMap<string, number>, arrivals: readonly Arrival[]): number | null {
  const last = new Map<string, Arrival>();
  for (const a of arrivals) last.set(a.address, a);
  let t = -Infinity;
  for (const [address, value] of finals) {
    const a = last.get(address);
    if (!a || !sameFloat(a.value, value)) return null;
    t = Math.max(t, a.t);
  }
  return Number.isFinite(t) ? t : null;
}

/** The alpha address of instance i (0-based) of n: eqmorph's own for one instance, `/eqmorph/<i+1>/alpha` in a generated mapping. */
export function alphaAddress(i: number, n: number): string {
  return n === 1 ? '/eqmorph/alpha' : `/eqmorph/${i + 1}/alpha`;
}

/** What the echo sends per input, in order: the bridge's 15 band addresses, so both cost the same to encode and route. */
export const ECHO_ADDRESSES: readonly string[] = [1, 2, 3, 4, 5].flatMap((b) => ['gain', 'freq', 'q'].map((p) => `/eqmorph/band/${b}/${p}`));

/** The events (0-based) that target `t` of `targets` gets when a run sends them in turn, `block` events at a time. */
export function eventsOf(t: number, targets: number, events: number, block: number): number[] {
  return Array.from({ length: events }, (_, k) => k).filter((k) => Math.floor(k / block) % targets === t);
}

/**
 * Fader-to-wire latency (ms) where the output's values cannot be predicted (tables still building, interim fits): the
 * fader alternates between two positions, and one output parameter that moves a long way between them tells which
 * position a message shows (`high`: its value is above `threshold`). A message at time T showing side s answers the
 * newest event of side s sent before T; an event that no message answered on its own is caught up by the next one
 * that was (see caughtUp). Times in ns; null where nothing later arrived.
 */
export function sideLatenciesMs(sentNs: readonly number[], high: readonly boolean[], arrivals: readonly Arrival[], threshold: number): (number | null)[] {
  const arrived: (number | null)[] = sentNs.map(() => null);
  let j = -1;
  for (const a of arrivals) {
    while (j + 1 < sentNs.length && sentNs[j + 1]! < a.t) j++;
    const side = a.value > threshold;
    let k = j;
    while (k >= 0 && high[k] !== side) k--;
    if (k >= 0 && arrived[k] === null) arrived[k] = a.t;
  }
  return latenciesMs(sentNs, arrived);
}
