// The feedback stage: shows every bound target's current value on the controls that can show it, paced per control, without echoes.

import { auditTime, filter, groupBy, map, merge, mergeMap, tap, type MonoTypeOperatorFunction, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ControlEvent } from '../codecs/control-value.js';
import { PAD_CENTRE, type MorphState } from '../morph/morph-state.js';
import type { Binding, Control, Mapping, MorphInstance } from '../profiles/types.js';
import type { OscOutMessage } from '../transports/osc-udp.js';
import type { Transport } from '../transports/transport.js';
import type { BridgeState, Reaction } from './bindings.js';
import { encodeFeedback, feedbackFor, feedbackWireKey, isEchoOf, shownBy, touchOf } from './encode-feedback.js';

/** A motor fader that reports a position within one step of what it was sent, this soon after, is echoing it. */
export const ECHO_WINDOW_MS = 500;
/** At most one feedback message per control per this many ms; the newest value wins. */
export const FEEDBACK_INTERVAL_MS = 20;

/** Where an input's feedback goes: an OSC sender to `osc.feedback`, or the MIDI output of `midi.output_port`. */
export type FeedbackSink = Transport<unknown, OscOutMessage> | Transport<unknown, readonly number[]>;

/** A reaction and the control event that caused it (none for the start snapshot). */
export type CausedReaction = Reaction & { readonly cause?: ControlEvent };

/**
 * `r` with its cause, written out field by field: on Node 20's V8 a spread that adds a property its source lacks
 * (`{ ...r, cause }`) gives every copy a hidden class of its own, made in the old generation, and what that holds on
 * to is promoted with it: about 200 bytes of old-generation garbage per fader event, freed only by a full collection.
 */
export function causedBy(r: Reaction, cause: ControlEvent): CausedReaction {
  return { state: r.state, changed: r.changed, dumps: r.dumps, rejected: r.rejected, cause };
}

/** A control with `feedback: true` and the binding whose target it shows (the first such binding in the mapping). */
export interface FeedbackTarget {
  /** `input.control` */
  readonly key: string;
  readonly input: string;
  readonly control: Control;
  readonly instance: MorphInstance;
  readonly bindingIndex: number;
  readonly binding: Binding;
}

/** A raw MIDI message from an input, for touch. */
export interface RawMidi {
  readonly input: string;
  readonly bytes: readonly number[];
}

export interface FeedbackCounters {
  feedbackSent: number;
  echoesDropped: number;
}

/** The controls of a mapping that get feedback: `feedback: true`, a feedback path, and a binding with something to show. */
export function feedbackTargets(mapping: Mapping, hasSink: (input: string) => boolean): FeedbackTarget[] {
  const out = new Map<string, FeedbackTarget>();
  for (const instance of mapping.instances) {
    instance.bindings.forEach((binding, bindingIndex) => {
      const { input, control: id } = binding.source;
      const key = `${input}.${id}`;
      const control = mapping.inputs.get(input)?.profile.controls.get(id);
      if (out.has(key) || !control?.feedback || !hasSink(input)) return;
      const shown = feedbackFor(binding, instance.initial);
      if (shown && encodeFeedback(control, shown)) out.set(key, { key, input, control, instance, bindingIndex, binding });
    });
  }
  return [...out.values()];
}

/** A fader or knob whose position is the value: it already shows what it sets, and its motor may echo. */
function isPositional(t: FeedbackTarget): boolean {
  const b = t.binding;
  return (b.target === 'alpha' || b.target === 'strength' || b.target === 'x' || b.target === 'y') && b.glue.control === 'absolute';
}

/** A text field shows the word it sent; it is corrected only when the word was understood as another. */
function showsItsOwnInput(t: FeedbackTarget): boolean {
  const b = t.binding;
  return isPositional(t) || ((b.target === 'term_a' || b.target === 'term_b' || b.target === 'corner') && b.set.kind === 'text');
}

export interface FeedbackStage {
  readonly targets: readonly FeedbackTarget[];
  /** Drops a motor fader's echo of a value just sent to it, and records what each control now shows. */
  readonly dropEchoes: MonoTypeOperatorFunction<ControlEvent>;
  /** Marks pickup as caught up for the controls that are about to be moved to the target's value. */
  catchUp(r: CausedReaction): CausedReaction;
  /** Sends feedback for every reaction (all of an instance's controls on a dump or the start) until unsubscribed. */
  connect(reactions$: Observable<CausedReaction>, touch$: Observable<RawMidi>): Subscription;
  counters(): FeedbackCounters;
}

export interface FeedbackOptions {
  readonly mapping: Mapping;
  /** Feedback transports by mapping input name. */
  readonly sinks: ReadonlyMap<string, FeedbackSink>;
  readonly intervalMs?: number;
  readonly echoWindowMs?: number;
  readonly now?: () => number;
  /** The clock of the pacing interval (RxJS's async scheduler unless given: tests pass a virtual one). */
  readonly scheduler?: SchedulerLike;
}

interface Want {
  readonly target: FeedbackTarget;
  /** Send even when the control seems to show it already (start, dump, a released touch). */
  readonly full: boolean;
}

export function createFeedback(opts: FeedbackOptions): FeedbackStage {
  const { mapping, sinks } = opts;
  const now = opts.now ?? (() => performance.now());
  const windowMs = opts.echoWindowMs ?? ECHO_WINDOW_MS;
  const targets = feedbackTargets(mapping, (input) => sinks.has(input));
  const byKey = new Map(targets.map((t) => [t.key, t]));
  // What each control shows now (a wire key), the last position sent to it and when, and which faders are touched.
  const shown = new Map<string, string>();
  const sent = new Map<string, { readonly unit: number; readonly time: number }>();
  const touched = new Set<string>();
  const counters: FeedbackCounters = { feedbackSent: 0, echoesDropped: 0 };
  let latest: BridgeState | null = null;

  const dropEchoes: MonoTypeOperatorFunction<ControlEvent> = filter((e) => {
    const t = byKey.get(`${e.input}.${e.control}`);
    if (!t) return true;
    const last = sent.get(t.key);
    if (isPositional(t) && last && e.time - last.time <= windowMs && isEchoOf(t.control, e.value, last.unit)) {
      counters.echoesDropped++;
      return false;
    }
    if (showsItsOwnInput(t)) {
      const own = shownBy(e);
      const wire = own && encodeFeedback(t.control, own);
      if (wire) shown.set(t.key, feedbackWireKey(wire));
    }
    return true;
  });

  const catchUp = (r: CausedReaction): CausedReaction => {
    const moved = new Set([...r.changed, ...r.dumps]);
    const due = targets.filter((t) => isPositional(t) && moved.has(t.instance.name) && !touched.has(t.key) && !isCause(t, r.cause));
    if (due.length === 0) return r;
    const takeover = new Map(r.state.takeover);
    for (const t of due) {
      const b = t.binding;
      if (b.target !== 'alpha' && b.target !== 'strength' && b.target !== 'x' && b.target !== 'y') continue;
      const [lo, hi] = b.glue.range;
      const value = r.state.instances.get(t.instance.name)![b.target] ?? PAD_CENTRE;
      // The control is about to stand where the target is, so pickup has nothing left to catch.
      takeover.set(`${t.instance.name}#${t.bindingIndex}`, { last: Math.min(1, Math.max(0, (value - lo) / (hi - lo || 1))), caught: true });
    }
    return { ...r, state: { ...r.state, takeover } };
  };

  const send = (w: Want) => {
    const t = w.target;
    const state: MorphState | undefined = latest?.instances.get(t.instance.name);
    if (!state || touched.has(t.key)) return;
    const value = feedbackFor(t.binding, state);
    const wire = value && encodeFeedback(t.control, value);
    if (!value || !wire) return;
    const wireKey = feedbackWireKey(wire);
    if (!w.full && shown.get(t.key) === wireKey) return;
    shown.set(t.key, wireKey);
    if (value.kind === 'unit') sent.set(t.key, { unit: value.value, time: now() });
    const sink = sinks.get(t.input)!;
    if (wire.transport === 'osc') (sink as Transport<unknown, OscOutMessage>).send({ address: wire.address, args: [wire.value], types: wire.type });
    else for (const m of wire.messages) (sink as Transport<unknown, readonly number[]>).send(m);
    counters.feedbackSent++;
  };

  const connect = (reactions$: Observable<CausedReaction>, touch$: Observable<RawMidi>): Subscription => {
    const fromState$ = reactions$.pipe(
      mergeMap((r): Want[] => {
        latest = r.state;
        const moved = new Set([...r.changed, ...r.dumps]);
        return targets
          .filter((t) => moved.has(t.instance.name) && !(isPositional(t) && isCause(t, r.cause)))
          .map((target) => ({ target, full: r.dumps.includes(target.instance.name) }));
      }),
    );
    // While a motor fader is touched the hand wins; when it is let go it is put where the target is.
    const fromTouch$ = touch$.pipe(
      mergeMap(({ input, bytes }): Want[] =>
        targets.flatMap((target) => {
          if (target.input !== input || target.control.transport !== 'midi') return [];
          const down = touchOf(target.control, bytes);
          if (down === null) return [];
          if (down) touched.add(target.key);
          else touched.delete(target.key);
          return down ? [] : [{ target, full: true }];
        }),
      ),
    );
    return merge(fromState$, fromTouch$)
      .pipe(
        groupBy((w) => w.target.key),
        mergeMap((group) => {
          // A dump inside the window must not be lost to a later ordinary change: `full` sticks until the send.
          let full = false;
          return group.pipe(
            tap((w) => (full ||= w.full)),
            auditTime(opts.intervalMs ?? FEEDBACK_INTERVAL_MS, opts.scheduler),
            map((w) => {
              const want = { ...w, full };
              full = false;
              return want;
            }),
          );
        }),
        tap(send),
      )
      .subscribe();
  };

  return { targets, dropEchoes, catchUp, connect, counters: () => ({ ...counters }) };
}

function isCause(t: FeedbackTarget, cause: ControlEvent | undefined): boolean {
  return cause !== undefined && cause.input === t.input && cause.control === t.control.id;
}
