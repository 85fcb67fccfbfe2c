// The monitor's WebSocket side: pushes coalesced state frames to every page, and turns the page's moves into control events.

import { auditTime, combineLatest, filter, interval, map, merge, of, scan, share, startWith, switchMap, type Observable, type ObservedValueOf, type Subscription } from 'rxjs';
import type { WebSocketServer } from 'ws';
import type { MorphDecoder } from '../morph/morph-state.js';
import type { Bridge } from '../pipeline/bridge.js';
import { deskBands } from '../pipeline/desk-reports.js';
import type { Mapping, MorphInstance } from '../profiles/types.js';
import type { Transport } from '../transports/transport.js';
import { LogRing } from './log-ring.js';
import { emptyWebCounters, MAX_BUFFERED, sendToPage, type PageSocket, type WebCounters } from './page-sockets.js';
import { pageCommand } from './surface.js';
import {
  frameMessage,
  helloMessage,
  messageRates,
  transportViews,
  type CounterSample,
  type MapView,
  type TransportEntry,
} from './view-model.js';

/** At most one frame per display refresh; moves in between are coalesced into the newest state. */
export const FRAME_MS = 1000 / 60;
/** How often message rates are sampled. */
export const RATE_MS = 500;
export { MAX_BUFFERED } from './page-sockets.js';

/** The running bridge and the mapping it runs; a reload replaces both. */
export interface RunningBridge {
  readonly bridge: Bridge;
  readonly mapping: Mapping;
}

export interface FeedSources {
  /** Replays the current bridge to each subscriber, then each replacement. */
  readonly runs$: Observable<RunningBridge>;
  readonly decoder: MorphDecoder;
  /** The sound map the page draws and plays. */
  readonly map: MapView;
  /** Every input and output of the mapping; one that could not be opened has a fixed status saying why. */
  readonly transports: readonly (TransportEntry & { readonly transport: Pick<Transport<unknown, unknown>, 'status$' | 'counters'> })[];
}

/** What the feed needs of a page's socket. */
export type FeedClient = PageSocket;

/**
 * Sends a frame to every open page that is keeping up; returns how many got it. Never waits for a page: one that has
 * not taken the last frames yet misses this one and gets a newer one later, so a stuck page cannot slow anyone.
 */
export function broadcast(clients: Iterable<FeedClient>, text: string, maxBuffered = MAX_BUFFERED, counts: WebCounters = emptyWebCounters()): number {
  let sent = 0;
  for (const ws of clients) if (sendToPage(ws, text, counts, maxBuffered)) sent++;
  return sent;
}

export function attachFeed(wss: WebSocketServer, src: FeedSources, counts: WebCounters = emptyWebCounters()): { close(): void } {
  const hello = JSON.stringify(helloMessage(src.decoder.terms, src.map));
  const entries: TransportEntry[] = src.transports.map(({ transport: _t, ...e }) => e);
  let running: RunningBridge | null = null;

  const run$ = src.runs$;
  const states$ = run$.pipe(switchMap((r) => r.bridge.states$.pipe(startWith(r.bridge.state()))));
  // The log is written into fixed slots as messages come and read out only when a frame is built; log$ marks changes.
  const log = new LogRing();
  const log$ = run$.pipe(
    switchMap((r) => merge(r.bridge.events$.pipe(map((e) => log.pushEvent(e, Date.now()))), r.bridge.log$.pipe(map((e) => log.pushEntry(e, Date.now()))))),
    startWith(0),
  );
  const statuses$ = src.transports.length ? combineLatest(src.transports.map((t) => t.transport.status$)) : of([]);
  const samples$ = interval(RATE_MS).pipe(
    startWith(0),
    map((): CounterSample => ({ time: Date.now(), counters: src.transports.map((t) => t.transport.counters()) })),
    scan((acc: { prev: CounterSample | null; next: CounterSample | null }, s) => ({ prev: acc.next, next: s }), { prev: null, next: null }),
  );

  // Everything a frame is made of, kept current whether or not a page is open, so a page that connects gets a fresh frame at once.
  const inputs$ = combineLatest([run$, states$, log$, statuses$, samples$]).pipe(share());
  type Inputs = ObservedValueOf<typeof inputs$>;
  let latest: Inputs | null = null;
  const build = ([run, states, , statuses, samples]: Inputs): string => {
    const sample = samples.next!;
    const transports = transportViews(entries, statuses, sample, messageRates(samples.prev, sample));
    const follows = (inst: MorphInstance) => {
      const output = run.mapping.outputs.get(inst.output);
      return output?.onDeskEdit === 'follow' ? deskBands(output.profile, inst.name, run.bridge.deskValues(inst.name)) : null;
    };
    return JSON.stringify(frameMessage(run.mapping.instances, states, src.decoder, src.map, transports, log.lines(), follows));
  };
  const keep = inputs$.subscribe((inputs) => (latest = inputs));
  // Frames are only built while someone watches: an unwatched monitor costs the bridge nothing but the bookkeeping above.
  const sub: Subscription = inputs$
    .pipe(
      filter(() => wss.clients.size > 0),
      auditTime(FRAME_MS),
      map(build),
    )
    .subscribe((text) => broadcast(wss.clients, text, MAX_BUFFERED, counts));
  const runSub = run$.subscribe((r) => (running = r));

  wss.on('connection', (ws) => {
    // A page that breaks the protocol (an oversized or malformed frame) is dropped by ws; it must not take eqmorph with it.
    ws.on('error', () => ws.terminate());
    sendToPage(ws, hello, counts);
    if (latest !== null) sendToPage(ws, build(latest), counts);
    ws.on('message', (data) => {
      // Whatever a page sends, nothing may throw out of this listener: a failure is one more refused command.
      try {
        const current = running;
        if (!current) return;
        const names = current.mapping.instances.map((i) => i.name);
        const cmd = pageCommand(String(data), names, performance.now());
        // The page goes through the same bindings as a hardware control, so outputs and feedback follow it alike.
        if (cmd.ok) current.bridge.inject(cmd.event);
        // A page that sends without reading gets no pile of replies: past the bound they are skipped like frames.
        else sendToPage(ws, JSON.stringify({ type: 'error', reason: cmd.reason }), counts);
      } catch {
        counts.badRequests++;
      }
    });
  });

  return {
    close: () => {
      sub.unsubscribe();
      keep.unsubscribe();
      runSub.unsubscribe();
    },
  };
}
