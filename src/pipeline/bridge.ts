// The bridge's RxJS graph: OSC and MIDI inputs -> control events -> bindings -> morph state -> decoder -> target encoders -> outputs.

import { EMPTY, Observable, Subject, audit, auditTime, filter, from, groupBy, identity, map, merge, mergeMap, of, scan, share, tap, type Subscription } from 'rxjs';
import type { ControlEvent } from '../codecs/control-value.js';
import { morphBands, type MorphDecoder, type MorphState } from '../morph/morph-state.js';
import type { Mapping, MidiControl, MorphInstance, OscControl } from '../profiles/types.js';
import type { OscInMessage, OscOutMessage } from '../transports/osc-udp.js';
import type { MidiInMessage, MidiOutMessage } from '../transports/midi.js';
import type { Transport } from '../transports/transport.js';
import { budgetBytes } from './budget-bytes.js';
import { initialBridgeState, reduceControl, type BridgeState, type Reaction } from './bindings.js';
import { decodeOscControl, oscAddressTable } from './decode-osc-control.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from './decode-midi-control.js';
import { encodeTargetFrame, unsent, type WireMessage } from './encode-target.js';

export type OscTransport = Transport<OscInMessage, OscOutMessage>;
export type MidiTransportLike = Transport<MidiInMessage, MidiOutMessage>;

export interface BridgeCounters {
  events: number;
  unknownAddress: number;
  badArgument: number;
  rejected: number;
  sent: number;
}

export interface BridgeLogEntry {
  readonly level: 'info' | 'warn';
  readonly text: string;
}

export interface Bridge {
  /** Every instance's current morph state, after each change. */
  readonly states$: Observable<ReadonlyMap<string, MorphState>>;
  /** Decoded control events, for `eqmorph monitor` and the log. */
  readonly events$: Observable<ControlEvent>;
  readonly log$: Observable<BridgeLogEntry>;
  counters(): BridgeCounters;
  /** Changes an instance from outside the control surfaces (the monitor, a reload): same path as a control. */
  inject(event: ControlEvent): void;
  state(): ReadonlyMap<string, MorphState>;
  stop(): void;
}

export interface BridgeOptions {
  readonly mapping: Mapping;
  readonly decoder: MorphDecoder;
  /** OSC transports by mapping input name (already open). */
  readonly oscInputs: ReadonlyMap<string, OscTransport>;
  /** OSC transports by mapping output name (already open). */
  readonly oscOutputs: ReadonlyMap<string, OscTransport>;
  /** MIDI transports by mapping input name (already open); absent where MIDI is unavailable. */
  readonly midiInputs?: ReadonlyMap<string, MidiTransportLike>;
  /** MIDI transports by mapping output name (already open); absent where MIDI is unavailable. */
  readonly midiOutputs?: ReadonlyMap<string, MidiTransportLike>;
  /** Called with the number of MIDI messages held by a byte budget whenever it changes (benchmarks). */
  readonly onPending?: (output: string, pending: number) => void;
  /** Morph states to start from (a reloaded mapping keeps what the player had); instances not named start at `initial`. */
  readonly initialStates?: ReadonlyMap<string, MorphState>;
}

/** Emits once on the next turn of the event loop, after the I/O callbacks of this one (`setImmediate`; RxJS's asap is a microtask, which runs after every single datagram). */
const nextTurn = () =>
  new Observable<void>((sub) => {
    const id = setImmediate(() => sub.next());
    return () => clearImmediate(id);
  });

interface Frame {
  readonly instance: MorphInstance;
  readonly state: MorphState;
  readonly full: boolean;
}

export function startBridge(opts: BridgeOptions): Bridge {
  const { mapping, decoder } = opts;
  const counters: BridgeCounters = { events: 0, unknownAddress: 0, badArgument: 0, rejected: 0, sent: 0 };
  const log$ = new Subject<BridgeLogEntry>();
  const injected$ = new Subject<ControlEvent>();
  const instances = mapping.instances;
  const byName = new Map(instances.map((i) => [i.name, i]));

  const oscEvents = [...opts.oscInputs].map(([name, transport]) => {
    const input = mapping.inputs.get(name)!;
    const table = oscAddressTable(input.profile.controls as ReadonlyMap<string, OscControl>);
    return transport.messages$.pipe(
      map((msg) => decodeOscControl(name, table, msg)),
      filter((r) => {
        if (r.ok) return true;
        if (r.reason === 'unknown-address') counters.unknownAddress++;
        else counters.badArgument++;
        return false;
      }),
      map((r) => (r as { ok: true; event: ControlEvent }).event),
    );
  });
  const midiEvents = [...(opts.midiInputs ?? [])].map(([name, transport]) => {
    const input = mapping.inputs.get(name)!;
    const table = midiControlTable(input.profile.controls as ReadonlyMap<string, MidiControl>);
    // 14-bit and NRPN state belongs to this input's subscription.
    return transport.messages$.pipe(
      scan((acc: { state: MidiDecodeState; events: ControlEvent[] }, msg) => decodeMidiControl(acc.state, name, table, msg.bytes, msg.time), {
        state: EMPTY_MIDI_STATE,
        events: [] as ControlEvent[],
      }),
      mergeMap((r) => r.events),
    );
  });
  const events$ = merge(...oscEvents, ...midiEvents, injected$).pipe(share());

  const fresh = initialBridgeState(instances);
  let current: BridgeState = {
    ...fresh,
    instances: new Map([...fresh.instances].map(([name, st]) => [name, opts.initialStates?.get(name) ?? st])),
  };
  const start: Reaction = { state: current, changed: instances.map((i) => i.name), dumps: instances.map((i) => i.name), rejected: [] };
  const reactions$ = merge(
    // The first reaction is a full snapshot of every instance, sent at start.
    of(start),
    events$.pipe(
      scan((prev: Reaction, e: ControlEvent) => {
        counters.events++;
        const r = reduceControl(prev.state, instances, e, decoder);
        for (const why of r.rejected) {
          counters.rejected++;
          log$.next({ level: 'warn', text: `${e.input}.${e.control}: ${why}` });
        }
        return r;
      }, start),
    ),
  ).pipe(share());

  const states$ = reactions$.pipe(
    filter((r) => r.changed.length > 0),
    map((r) => r.state.instances),
    share(),
  );

  // The send path is always subscribed, so it is the one place that records the current state.
  const frames$ = reactions$.pipe(
    mergeMap((r) => {
      current = r.state;
      const names = new Set([...r.changed, ...r.dumps]);
      return [...names].map((n): Frame => ({ instance: byName.get(n)!, state: r.state.instances.get(n)!, full: r.dumps.includes(n) }));
    }),
  );

  const sendSub: Subscription = frames$
    .pipe(
      groupBy((f) => f.instance.name),
      mergeMap((group) => {
        const instance = byName.get(group.key)!;
        const output = mapping.outputs.get(instance.output)!;
        const osc = opts.oscOutputs.get(instance.output);
        const midi = opts.midiOutputs?.get(instance.output);
        if (!osc && !midi) return EMPTY;
        const limits = output.profile.limits;
        const rate = limits?.messagesPerSecond;
        // De-duplication state lives in this subscription: the last wire value sent per parameter.
        const lastSent = new Map<string, WireMessage>();
        // Latest state wins: moves are encoded once per event-loop turn (the datagrams a socket read together cost one
        // frame, so a burst never queues), or once per window under a rate limit. A full frame (start, dump) forgets
        // what was sent and goes out at once; it also takes part in the audit, so whichever state is newest ends up sent.
        const latest = rate ? auditTime<Frame>(1000 / Math.max(1, rate / 15)) : audit<Frame>(nextTurn);
        const paced = merge(
          group.pipe(
            filter((f) => f.full),
            tap(() => lastSent.clear()),
          ),
          group.pipe(latest),
        );
        const fresh$ = paced.pipe(
          mergeMap((f) => {
            const fresh = unsent(encodeTargetFrame(output.profile, instance.index, instance.name, morphBands(f.state, decoder)), lastSent);
            for (const m of fresh) lastSent.set(m.key, m);
            return from(fresh);
          }),
        );
        if (osc) {
          return fresh$.pipe(
            tap((m) => {
              if (m.transport !== 'osc') return;
              osc.send({ address: m.address, args: [m.value], types: m.type });
              counters.sent++;
            }),
          );
        }
        // A MIDI cable has a byte rate: a budgeted output holds at most one message per parameter, newest value.
        const budget = limits?.bytesPerSecond;
        const midiMsgs$ = fresh$.pipe(
          filter((m): m is Extract<WireMessage, { transport: 'midi' }> => m.transport === 'midi'),
          budget ? budgetBytes({ bytesPerSecond: budget, onPending: (n) => opts.onPending?.(instance.output, n) }) : identity,
        );
        return midiMsgs$.pipe(
          tap((m) => {
            // The encoder packs a parameter's CC messages (four for an NRPN) together; a port takes one at a time.
            for (let i = 0; i < m.bytes.length; i += 3) midi!.send(m.bytes.slice(i, i + 3));
            counters.sent++;
          }),
        );
      }),
    )
    .subscribe();

  return {
    states$,
    events$,
    log$: log$.asObservable(),
    counters: () => ({ ...counters }),
    inject: (e) => injected$.next(e),
    state: () => current.instances,
    stop: () => {
      sendSub.unsubscribe();
      log$.complete();
      injected$.complete();
    },
  };
}
