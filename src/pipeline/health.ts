// What a running bridge reports about itself: every transport's status and counters, and the bridge's own counters.

import { map, merge, skip, type Observable } from 'rxjs';
import type { Transport, TransportCounters, TransportStatus } from '../transports/transport.js';
import type { BridgeCounters } from './bridge.js';

export type HealthSource = Pick<Transport<unknown, never>, 'status$' | 'counters'>;

export interface TransportEntry<T extends HealthSource = HealthSource> {
  /** The input's or output's name in the mapping. */
  readonly name: string;
  readonly direction: 'in' | 'out';
  readonly transport: T;
}

export interface TransportHealth {
  readonly name: string;
  readonly direction: 'in' | 'out';
  readonly status: TransportStatus;
  /** The contract counters, plus a transport's own drop reasons where it has them (OSC: malformed, oversized, ...). */
  readonly counters: TransportCounters & Readonly<Record<string, number>>;
}

export interface Health {
  readonly transports: readonly TransportHealth[];
  readonly bridge: BridgeCounters;
}

export interface StatusChange {
  readonly name: string;
  readonly direction: 'in' | 'out';
  readonly status: TransportStatus;
}

/** The current status of one transport (status$ replays it synchronously on subscription). */
function currentStatus(t: HealthSource): TransportStatus {
  let status: TransportStatus = { state: 'closed' };
  t.status$.subscribe((s) => (status = s)).unsubscribe();
  return status;
}

/** A snapshot, for `--stats` and the web monitor. */
export function transportHealth(entries: readonly TransportEntry[], bridge: BridgeCounters): Health {
  return {
    transports: entries.map((e) => ({ name: e.name, direction: e.direction, status: currentStatus(e.transport), counters: e.transport.counters() as TransportHealth['counters'] })),
    bridge,
  };
}

/** Every status change of every transport after the moment of subscription (the replayed current status is skipped). */
export function watchStatus(entries: readonly TransportEntry[]): Observable<StatusChange> {
  return merge(...entries.map((e) => e.transport.status$.pipe(skip(1), map((status) => ({ name: e.name, direction: e.direction, status })))));
}

/**
 * An output's transport, seen with its desk's edit count among its counters (`deskEdits`) where `edits` knows one: a
 * desk's reports arrive on the output's socket and are read there, so they are neither `dropped` nor the bridge's.
 */
export function withDeskEdits<T extends HealthSource>(t: T, edits: () => number | undefined): HealthSource {
  return {
    status$: t.status$,
    counters: () => {
      const n = edits();
      return n === undefined ? t.counters() : { ...t.counters(), deskEdits: n };
    },
  };
}

/** `--stats` output: one line per transport, one for the bridge; zero-valued extra drop reasons are left out. */
export function healthLines(h: Health): string[] {
  const lines = h.transports.map((t) => {
    const { in: i, out: o, dropped, errors, reconnects, deskEdits, ...extra } = t.counters;
    const reasons = Object.entries(extra).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`);
    const detail = t.status.detail ? ` (${t.status.detail})` : '';
    const desk = deskEdits !== undefined ? `, desk edits ${deskEdits}` : '';
    return `stats: ${t.direction === 'in' ? 'in ' : 'out'} ${t.name} ${t.status.state}${detail}: in ${i}, out ${o}, dropped ${dropped}${reasons.length ? ` [${reasons.join(', ')}]` : ''}, errors ${errors}, reconnects ${reconnects}${desk}`;
  });
  const b = h.bridge;
  lines.push(
    `stats: bridge: events ${b.events}, sent ${b.sent}, unknown addresses ${b.unknownAddress}, bad arguments ${b.badArgument}, clamped ${b.clamped}, out of range ${b.outOfRange}, malformed MIDI ${b.malformed}, rejected ${b.rejected}, superseded ${b.superseded}, not allowed ${b.notAllowed}, errors ${b.errors}, resyncs ${b.resyncs}, feedback ${b.feedbackSent}, echoes dropped ${b.echoesDropped}`,
  );
  return lines;
}
