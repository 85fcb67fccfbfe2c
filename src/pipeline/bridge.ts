// The bridge's RxJS graph: OSC and MIDI inputs -> control events -> bindings -> morph state -> decoder -> target encoders -> outputs.

import { EMPTY, Observable, Subject, audit, auditTime, defer, filter, from, groupBy, identity, map, merge, mergeMap, of, pairwise, race, scan, share, startWith, tap, timer, type Subscription } from 'rxjs';
import type { ControlEvent } from '../codecs/control-value.js';
import { morphBands, type BandDecoder, type MorphDecoder, type MorphState } from '../morph/morph-state.js';
import type { Mapping, MidiControl, MorphInstance, OscControl } from '../profiles/types.js';
import { allowChecker } from '../profiles/allow.js';
import type { OscInMessage, OscOutMessage } from '../transports/osc-udp.js';
import type { MidiInMessage, MidiOutMessage } from '../transports/midi.js';
import type { Transport } from '../transports/transport.js';
import { budgetBytes } from './budget-bytes.js';
import { initialBridgeState, reduceControl, type BridgeState, type Reaction } from './bindings.js';
import { decodeOscControl, oscAddressTable } from './decode-osc-control.js';
import { decodeMidiControl, EMPTY_MIDI_STATE, midiControlTable, type MidiDecodeState } from './decode-midi-control.js';
import { encodeFixed, encodeTargetFrame, oscOut, targetEncoder, unsent, type WireMessage } from './encode-target.js';
import { createDeskWatch, type DeskCounters, type DeskEdit } from './desk-edits.js';
import { causedBy, createFeedback, type CausedReaction, type FeedbackSink } from './feedback.js';
import { limitedText, throttleLog } from './throttle-log.js';
import { printable } from '../codecs/printable.js';
// setImmediate, not RxJS's asap: that is a microtask, which runs after every single datagram.
import { coalesceTerms, nextTurn } from './coalesce-terms.js';
import { TurnGate } from './turn-gate.js';

/**
 * How long a moved channel waits, each time, for an answer being made in the fit pool (see FittedDecoder.settled)
 * before it goes out from what is made for its pair (BandDecoder.provisional: a read between the nearest samples
 * fitted, or the pair's words' own bands), to be sent again with the pool's answer when that comes; a decoder that has no
 * provisional answers fits it here. A worker that is not busy answers within it, between two chunks of its path; at
 * start, and while a scene builds many pairs, it has a line of other channels' answers to make first.
 */
const MOVE_PATIENCE_MS = 10;

/** An OSC transport; one that can hold a word's messages until the newest (`OscUdpTransport.holdLatest`) is told which. */
export type OscTransport = Transport<OscInMessage, OscOutMessage> & { holdLatest?(addresses: Iterable<string>): void };
export type MidiTransportLike = Transport<MidiInMessage, MidiOutMessage>;

export interface BridgeCounters {
  events: number;
  unknownAddress: number;
  badArgument: number;
  /** OSC numbers outside a control's min..max that were moved to its end (`out_of_range: clamp`). */
  clamped: number;
  /** OSC numbers outside a control's min..max that were dropped (`out_of_range: ignore`). */
  outOfRange: number;
  /** MIDI messages that were not one complete message (half-sent, a status byte among data bytes, broken SysEx). */
  malformed: number;
  rejected: number;
  /** Words (term A or B) replaced by a newer one from the same control before they were looked up (a flood of words). */
  superseded: number;
  sent: number;
  /** Feedback messages sent to controls, and motor-fader echoes of them dropped. */
  feedbackSent: number;
  echoesDropped: number;
  /** Exceptions caught inside a stage; the event that caused one is dropped and the bridge keeps running. */
  errors: number;
  /** Full snapshots resent to an output that came back after an error. */
  resyncs: number;
  /** OSC messages dropped because their sender is not in the input's `allow:` list. */
  notAllowed: number;
  /** Changes made at a desk, reported on an output that listens (each output's own count: `deskCounters()`). */
  deskEdits: number;
  /**
   * Frames of a channel whose table is being built that went out from what was made for its pair so far, while the fit
   * pool made the exact answer (each is followed by the channel's newest state when that answer comes).
   */
  provisional: number;
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
  /** By output (outputs whose target reports edits): edits, echoes of eqmorph's own values, answers to queries. */
  deskCounters(): ReadonlyMap<string, Readonly<DeskCounters>>;
  /** Edits made at a desk, as they are reported. */
  readonly deskEdits$: Observable<DeskEdit>;
  /** What an instance's parameters hold on its desk as far as eqmorph knows, by encoder key. */
  deskValues(instance: string): ReadonlyMap<string, number | string>;
  /** Changes an instance from outside the control surfaces (the monitor, a reload): same path as a control. */
  inject(event: ControlEvent): void;
  state(): ReadonlyMap<string, MorphState>;
  /** Sends every instance's final state to its output before closing: `flat` (every gain 0 dB) or nothing for `hold`. */
  finish(onExit: 'hold' | 'flat'): Promise<void>;
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
  /** By output name: the decoder of an output whose band layout is not eqmorph's five (its fitted bands). */
  readonly layoutDecoders?: ReadonlyMap<string, BandDecoder>;
  /** Feedback transports by mapping input name (already open): where controls with `feedback: true` are shown the state. */
  readonly feedbackSinks?: ReadonlyMap<string, FeedbackSink>;
  /**
   * False: no start snapshot and no queries to the desks (a rehearsal's throwaway bridge, which nothing listens to: a
   * desk's snapshot would be one long turn of every channel's frame). Default true.
   */
  readonly startSnapshot?: boolean;
  /** Longest a moved channel waits, each time, for a first answer being made in the fit pool (default MOVE_PATIENCE_MS). */
  readonly movePatienceMs?: number;
}


interface Frame {
  readonly instance: MorphInstance;
  readonly state: MorphState;
  readonly full: boolean;
  /** Answered from what is made for the pair so far (BandDecoder.provisional), not waiting for the pool's answer. */
  readonly provisional?: boolean;
}

export function startBridge(opts: BridgeOptions): Bridge {
  const { mapping, decoder } = opts;
  const counters: BridgeCounters = { events: 0, unknownAddress: 0, badArgument: 0, clamped: 0, outOfRange: 0, malformed: 0, rejected: 0, superseded: 0, sent: 0, feedbackSent: 0, echoesDropped: 0, errors: 0, resyncs: 0, notAllowed: 0, deskEdits: 0, provisional: 0 };
  const log$ = new Subject<BridgeLogEntry>();
  // Warnings that a sender can provoke at any rate go through one limiter, so a flood cannot flood the log.
  // A warning's text may be a function: built only when the line is shown (finding the closest terms costs).
  const warnings$ = new Subject<{ key: string; text: string | (() => string) }>();
  const warnSub = warnings$
    .pipe(throttleLog((w) => w.key))
    // Every warning quotes something a sender chose (a word, an address): its control characters are escaped.
    .subscribe((l) => log$.next({ level: 'warn', text: printable(limitedText({ ...l, item: { text: typeof l.item.text === 'string' ? l.item.text : l.item.text() } })) }));
  const warn = (key: string, text: string | (() => string)) => warnings$.next({ key, text });
  /** Nothing may throw out of a stage: an exception drops the one event that caused it, is counted and logged (bounded). */
  const contain = <T>(stage: string, fallback: T, work: () => T): T => {
    try {
      return work();
    } catch (err) {
      counters.errors++;
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      warn(`error:${stage}`, `${stage}: ${first}; the event was dropped`);
      return fallback;
    }
  };
  const injected$ = new Subject<ControlEvent>();
  const instances = mapping.instances;
  const byName = new Map(instances.map((i) => [i.name, i]));

  const oscEvents = [...opts.oscInputs].map(([name, transport]) => {
    const input = mapping.inputs.get(name)!;
    const table = oscAddressTable(input.profile.controls as ReadonlyMap<string, OscControl>);
    // Words: of a burst from one sender only the newest is decoded (the rest are counted as superseded below).
    transport.holdLatest?.([...table.values()].filter((c) => c.osc.type === 's').map((c) => c.osc.address));
    const allowed = input.connection.transport === 'osc' && input.connection.allow ? allowChecker(input.connection.allow) : null;
    // The last sender's verdict, so a surface's stream of messages is checked once.
    let lastSource = '';
    let lastVerdict = false;
    // map and filter, not an inner observable per datagram: this runs for every fader message.
    return transport.messages$.pipe(
      map((msg): ControlEvent | null => {
        if (allowed) {
          if (msg.from.address !== lastSource) {
            lastSource = msg.from.address;
            lastVerdict = allowed(lastSource);
          }
          if (!lastVerdict) {
            counters.notAllowed += 1 + (msg.superseded ?? 0);
            warn(`not-allowed:${name}`, `${name}: dropped a message from ${msg.from.address}:${msg.from.port}, which its allow list does not name`);
            return null;
          }
        }
        if (msg.superseded) counters.superseded += msg.superseded;
        const r = contain(`${name} decode`, null, () => decodeOscControl(name, table, msg));
        if (r === null) return null;
        if (r.ok) {
          if (r.clamped) counters.clamped++;
          return r.event;
        }
        if (r.reason === 'unknown-address') {
          counters.unknownAddress++;
          warn(`unknown:${name}:${r.detail}`, `${name}: unknown OSC address ${r.detail.slice(0, 80)}`);
        } else {
          if (r.reason === 'out-of-range') counters.outOfRange++;
          else counters.badArgument++;
          warn(`${r.reason}:${name}:${msg.address}`, `${name}: ${r.detail.slice(0, 120)}`);
        }
        return null;
      }),
      filter((e): e is ControlEvent => e !== null),
    );
  });
  const midiEvents = [...(opts.midiInputs ?? [])].map(([name, transport]) => {
    const input = mapping.inputs.get(name)!;
    const table = midiControlTable(input.profile.controls as ReadonlyMap<string, MidiControl>);
    // 14-bit and NRPN state belongs to this input's subscription.
    return transport.messages$.pipe(
      scan(
        (acc: { state: MidiDecodeState; events: ControlEvent[] }, msg) => {
          const r = contain(`${name} decode`, { state: acc.state, events: [] }, () => decodeMidiControl(acc.state, name, table, msg.bytes, msg.time));
          if ('malformed' in r && r.malformed !== undefined) {
            counters.malformed++;
            warn(`malformed:${name}`, `${name}: dropped a malformed MIDI message (${r.malformed})`);
          }
          return r;
        },
        { state: EMPTY_MIDI_STATE, events: [] as ControlEvent[] },
      ),
      mergeMap((r) => r.events),
    );
  });
  const feedback = createFeedback({ mapping, sinks: opts.feedbackSinks ?? new Map() });
  // Injected changes come from elsewhere (the monitor, a reload): every control that can show them gets them.
  const injected = new WeakSet<ControlEvent>();
  const events$ = merge(merge(...oscEvents, ...midiEvents).pipe(coalesceTerms({ onSuperseded: (n) => (counters.superseded += n) }), feedback.dropEchoes), injected$.pipe(tap((e) => injected.add(e)))).pipe(share());

  const desk = createDeskWatch({ mapping, outputs: opts.oscOutputs });
  const deskSub = desk.edits$.subscribe((e) => {
    counters.deskEdits++;
    warn(`desk:${e.output}:${e.entry.key}`, e.text);
  });

  const fresh = initialBridgeState(instances);
  let current: BridgeState = {
    ...fresh,
    instances: new Map([...fresh.instances].map(([name, st]) => [name, opts.initialStates?.get(name) ?? st])),
  };
  const start: CausedReaction = feedback.catchUp({ state: current, changed: instances.map((i) => i.name), dumps: instances.map((i) => i.name), rejected: [] });
  current = start.state;
  const reactions$ = merge(
    // The first reaction is a full snapshot of every instance, sent at start.
    opts.startSnapshot === false ? EMPTY : of(start),
    events$.pipe(
      scan((prev: CausedReaction, e: ControlEvent) => {
        counters.events++;
        // A failing reduction keeps the previous state and sends nothing.
        const r = contain(`${e.input}.${e.control}`, { state: prev.state, changed: [], dumps: [], rejected: [] }, () => reduceControl(prev.state, instances, e, decoder));
        for (const why of r.rejected) {
          counters.rejected++;
          warn(`rejected:${e.input}.${e.control}:${why.key}`, () => `${e.input}.${e.control}: ${why.text()}`);
        }
        return feedback.catchUp(injected.has(e) ? r : causedBy(r, e));
      }, start),
    ),
  ).pipe(share());

  const states$ = reactions$.pipe(
    filter((r) => r.changed.length > 0),
    map((r) => r.state.instances),
    share(),
  );

  // An output that comes back after an error may have lost what it was sent (a power-cycled device): it gets a full snapshot.
  const outputTransports: [string, { status$: Observable<{ state: string }> }][] = [...opts.oscOutputs, ...(opts.midiOutputs ?? [])];
  // Reactions that no control caused (the start snapshot, resyncs): they do not take parameters back from the desk.
  const automatic = new WeakSet<Reaction>([start]);
  const resync$: Observable<Reaction> = merge(
    ...outputTransports.map(([output, t]) =>
      t.status$.pipe(
        map((s) => s.state),
        startWith('open'),
        pairwise(),
        filter(([was, now]) => was === 'error' && now === 'open'),
        map(() => output),
      ),
    ),
  ).pipe(
    map((output) => {
      counters.resyncs++;
      const names = instances.filter((i) => i.output === output).map((i) => i.name);
      const r: Reaction = { state: current, changed: [], dumps: names, rejected: [] };
      automatic.add(r);
      return r;
    }),
  );

  // Frames of pairs whose tables are still being built cost a first answer each (ms): one turn at a time, so a scene
  // switching many channels (or the start snapshot of a desk) never holds up a fader's datagrams for all of them.
  const gate = new TurnGate();

  // The send path is always subscribed, so it is the one place that records the current state.
  const frames$ = merge(reactions$, resync$).pipe(
    mergeMap((r) => {
      current = r.state;
      const names = new Set([...r.changed, ...r.dumps]);
      if (!automatic.has(r)) for (const n of names) desk.retake(n);
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
        const bandDecoder = opts.layoutDecoders?.get(instance.output) ?? decoder;
        const encode = targetEncoder(output.profile, instance.index, instance.name);
        const on = output.profile.on;
        // Latest state wins: moves are encoded once per event-loop turn (the datagrams a socket read together cost one
        // frame, so a burst never queues), or once per window under a rate limit. A full frame (start, dump) forgets
        // what was sent and goes out at once; it also takes part in the audit (as a plain frame, so the on switch is not
        // repeated), so whichever state is newest ends up sent. A gated full frame does not: it goes out with the newest
        // state itself, and as a plain frame too it would cost a second first answer and send a building channel's start
        // snapshot twice.
        const costly = (f: Frame) => bandDecoder.ready !== undefined && (f.state.mode ?? 'pair') === 'pair' && !bandDecoder.ready(f.state.termA, f.state.termB);
        // A gated frame goes out with the newest state when its turn comes (a full one behind every channel being moved).
        let newest: Frame | null = null;
        const making = (urgent: boolean) => (newest && (newest.state.mode ?? 'pair') === 'pair' ? bandDecoder.settled?.(newest.state.termA, newest.state.termB, newest.state.alpha, urgent) : undefined);
        // A move waits `patience` ms for the worker, then goes out from what is made for its pair, and again with the
        // newest state when the worker's answer comes. A channel that had to do so once does not wait again until its
        // table is built: its later moves go out provisionally at once (each waited 10 ms before, as the worker went on
        // making the grid samples a fader going back and forth keeps asking for).
        let impatient = false;
        let early = false;
        // A channel given a new pair (a scene, a word picked) waits for its first answer as a start does, behind the
        // channels being moved, and fits nothing here: a scene switching 16 channels would fit 16 words on this thread.
        let switched = false;
        const refine$ = new Subject<Frame>();
        const goEarly = (made: Promise<void>): Observable<void> => {
          early = impatient = bandDecoder.provisional !== undefined;
          if (early) void made.then(() => newest && refine$.next({ ...newest, full: false }));
          return gate.slot(false);
        };
        const patience = opts.movePatienceMs ?? MOVE_PATIENCE_MS;
        // Where a worker is making the newest state's answer (a channel's start, its first moves while its table builds),
        // the frame waits for it, then for its turn, and again if a newer state needs more: nothing is fitted here
        // meanwhile. A start (not urgent) waits as long as it takes, behind every channel being moved; a move (urgent: its
        // points go ahead of the other channels' starts in the worker) waits `patience` at most, then goes early.
        const gated = (urgent: boolean): Observable<void> =>
          defer(() => {
            const made = making(urgent);
            if (!made) return gate.slot(!urgent).pipe(mergeMap(() => (making(urgent) ? gated(urgent) : of(undefined))));
            if (!urgent) return from(made).pipe(mergeMap(() => gated(false)));
            if (impatient) return goEarly(made);
            const inTime = Number.isFinite(patience) ? race(from(made).pipe(map(() => true)), timer(patience).pipe(map(() => false))) : from(made).pipe(map(() => true));
            return inTime.pipe(mergeMap((ok) => (ok ? gated(true) : goEarly(made))));
          });
        const answer = (f: Frame): Observable<unknown> => {
          if (!costly(f)) {
            impatient = false;
            return nextTurn();
          }
          if (switched) {
            impatient = false;
            return gated(false);
          }
          return gated(true);
        };
        const latest = rate ? auditTime<Frame>(1000 / Math.max(1, rate / 15)) : audit<Frame>(answer);
        const provisionalDecoder: BandDecoder = { decode: (a, b, alpha) => bandDecoder.provisional?.(a, b, alpha, true) ?? bandDecoder.decode(a, b, alpha) };
        const paced = merge(
          group.pipe(
            tap((f) => {
              if (newest && (newest.state.termA !== f.state.termA || newest.state.termB !== f.state.termB)) switched = true;
              newest = f;
            }),
            filter((f) => f.full),
            mergeMap((f) => (costly(f) ? gated(false).pipe(map((): Frame => ({ ...newest!, full: true }))) : of(f))),
            tap(() => lastSent.clear()),
          ),
          merge(group.pipe(filter((f) => !f.full || !costly(f))), refine$).pipe(
            latest,
            map((f): Frame => {
              const provisional = early;
              early = false;
              return f.full || provisional ? { ...f, full: false, provisional } : f;
            }),
          ),
        );
        // One array per frame, not an observable per message: an OSC output sends a whole frame in one loop.
        const fresh$ = paced.pipe(
          map((f) => {
            if (f.provisional) counters.provisional++;
            else if (f.state.termA === newest?.state.termA && f.state.termB === newest.state.termB) switched = false;
            const frame = contain(`${instance.name} decode`, [], () => encode(morphBands(f.state, f.provisional ? provisionalDecoder : bandDecoder)));
            const held = desk.prepare(instance.name, lastSent, frame);
            const fresh = held.size ? unsent(frame, lastSent).filter((m) => !held.has(m.key)) : unsent(frame, lastSent);
            for (const m of fresh) lastSent.set(m.key, m);
            // The EQ's on switch goes first in every full snapshot (start and dump), so the bands it carries are heard.
            return f.full && on ? [encodeFixed(on, instance.index, `${instance.name}/on`), ...fresh] : fresh;
          }),
        );
        if (osc) {
          return fresh$.pipe(
            tap((msgs) =>
              contain(`${instance.output} send`, undefined, () => {
                for (const m of msgs) {
                  if (m.transport !== 'osc') continue;
                  osc.send(oscOut(m));
                  counters.sent++;
                }
                desk.sent(instance.output, msgs);
              }),
            ),
          );
        }
        // A MIDI cable has a byte rate: a budgeted output holds at most one message per parameter, newest value.
        const budget = limits?.bytesPerSecond;
        const midiMsgs$ = fresh$.pipe(
          mergeMap((msgs) => msgs),
          filter((m): m is Extract<WireMessage, { transport: 'midi' }> => m.transport === 'midi'),
          budget ? budgetBytes({ bytesPerSecond: budget, onPending: (n) => opts.onPending?.(instance.output, n) }) : identity,
        );
        return midiMsgs$.pipe(
          tap((m) => {
            // The encoder packs a parameter's CC messages (four for an NRPN) together; a port takes one at a time.
            contain(`${instance.output} send`, undefined, () => {
              for (let i = 0; i < m.bytes.length; i += 3) midi!.send(m.bytes.slice(i, i + 3));
            });
            counters.sent++;
          }),
        );
      }),
    )
    .subscribe();

  // Once the start snapshot is out, desks that answer queries are asked what they hold (shown, and checked).
  if (opts.startSnapshot !== false) for (const name of mapping.outputs.keys()) desk.query(name);

  // A target that forgets its client (an X32's /xremote lasts 10 s) gets its keepalive from now on, until stop.
  const keepSub = merge(
    ...[...mapping.outputs].map(([name, output]) => {
      const keep = output.profile.keepalive;
      const osc = opts.oscOutputs.get(name);
      const midi = opts.midiOutputs?.get(name);
      if (!keep || (!osc && !midi)) return EMPTY;
      const m = encodeFixed(keep.message, 0, `${name}/keepalive`);
      return timer(0, keep.everyMs).pipe(
        tap(() =>
          contain(`${name} keepalive`, undefined, () => {
            if (m.transport === 'osc') osc?.send(oscOut(m));
            else if (midi) for (let i = 0; i < m.bytes.length; i += 3) midi.send(m.bytes.slice(i, i + 3));
          }),
        ),
      );
    }),
  ).subscribe();

  // Subscribed after the send path, so it is handed the start snapshot itself.
  const touch$ = merge(...[...(opts.midiInputs ?? [])].map(([input, t]) => t.messages$.pipe(map((m) => ({ input, bytes: m.bytes })))));
  const feedbackSub = feedback.connect(merge(of(start), reactions$), touch$);

  return {
    states$,
    events$,
    log$: log$.asObservable(),
    counters: () => ({ ...counters, ...feedback.counters() }),
    deskCounters: () => desk.counters(),
    deskEdits$: desk.edits$,
    deskValues: (instance) => desk.deskValues(instance),
    inject: (e) => injected$.next(e),
    state: () => current.instances,
    finish: async (onExit) => {
      if (onExit !== 'flat') return;
      // Straight to the transports, past any rate limit or byte budget: it is the last thing this process says.
      const sends: Promise<void>[] = [];
      for (const instance of instances) {
        const output = mapping.outputs.get(instance.output)!;
        const osc = opts.oscOutputs.get(instance.output);
        const midi = opts.midiOutputs?.get(instance.output);
        const state = { ...current.instances.get(instance.name)!, bypass: true };
        const bandDecoder = opts.layoutDecoders?.get(instance.output) ?? decoder;
        const frame = contain(`${instance.name} decode`, [], () => encodeTargetFrame(output.profile, instance.index, instance.name, morphBands(state, bandDecoder)));
        for (const m of frame) {
          if (m.transport === 'osc' && osc) sends.push(osc.sendAsync(oscOut(m)));
          if (m.transport === 'midi' && midi) for (let i = 0; i < m.bytes.length; i += 3) sends.push(midi.sendAsync(m.bytes.slice(i, i + 3)));
        }
      }
      // A failed send is already counted by its transport; shutdown goes on.
      await Promise.allSettled(sends);
    },
    stop: () => {
      sendSub.unsubscribe();
      keepSub.unsubscribe();
      feedbackSub.unsubscribe();
      deskSub.unsubscribe();
      desk.stop();
      warnSub.unsubscribe();
      warnings$.complete();
      log$.complete();
      injected$.complete();
    },
  };
}
