// Applies decoded control events to morph instances through the mapping's bindings: a pure reducer over all instances.

import type { ControlEvent } from '../codecs/control-value.js';
import { toUnit } from '../codecs/control-value.js';
import { cornersOf, PAD_CENTRE, sameState, type Corners, type MorphDecoder, type MorphMode, type MorphState } from '../morph/morph-state.js';
import type { Binding, MorphInstance, TermSet } from '../profiles/types.js';
import { closestTerms, findTerm, tooLongForTerm } from '../model/vocabulary.js';
import { applyAbsoluteGlue, FRESH_TAKEOVER, rearm, type TakeoverState } from './takeover.js';

export interface BridgeState {
  readonly instances: ReadonlyMap<string, MorphState>;
  /** Takeover state per instance and binding index, kept apart from the bindings' settings. */
  readonly takeover: ReadonlyMap<string, TakeoverState>;
}

export interface Reaction {
  readonly state: BridgeState;
  /** Instances whose morph state changed. */
  readonly changed: readonly string[];
  /** Instances asked to resend everything. */
  readonly dumps: readonly string[];
  /** Why an event changed nothing it tried to change (unknown term, ...), for the log. */
  readonly rejected: readonly Rejection[];
}

export interface Rejection {
  /** What kind of refusal, the same for every word refused alike: the log limiter keys on it. */
  readonly key: string;
  /** The sentence for the log, built only if it is shown: finding the closest terms is the costly part. */
  text(): string;
}

export function initialBridgeState(instances: readonly MorphInstance[]): BridgeState {
  return { instances: new Map(instances.map((i) => [i.name, { ...i.initial }])), takeover: new Map() };
}

const clamp01 = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

function matches(b: Binding, e: ControlEvent): boolean {
  return b.source.input === e.input && b.source.control === e.control;
}

/**
 * The mode rule: the EQ follows whatever was moved last. The pad's controls (x, y, xy, a corner word) put an instance
 * on the pad, the map's on the map, the fader's (alpha, a term, swap, a preset with terms or alpha) back on the fader.
 * Strength and bypass act on whichever is heard. A state that never left the fader keeps no mode at all.
 */
function inMode(s: MorphState, mode: MorphMode): MorphState {
  if (mode === 'pair') return s.mode === undefined || s.mode === 'pair' ? s : { ...s, mode };
  return s.mode === mode ? s : { ...s, mode };
}

/** The pad's or the map's value of a continuous field, with its default when the state has none yet. */
function fieldValue(s: MorphState, field: 'alpha' | 'strength' | 'x' | 'y'): number {
  return s[field] ?? PAD_CENTRE;
}

const MODE_OF: Readonly<Record<'alpha' | 'strength' | 'x' | 'y', MorphMode | null>> = { alpha: 'pair', strength: null, x: 'xy', y: 'xy' };

function stepTerm(current: string, delta: number, list: readonly string[]): string {
  const i = list.indexOf(current);
  const next = i < 0 ? (delta > 0 ? 0 : list.length - 1) : i + Math.sign(delta);
  // Clamped, not wrapped: an encoder turned past the end stays on the last term instead of jumping to the first.
  return list[Math.min(list.length - 1, Math.max(0, next))]!;
}

/** Applies one event to every instance that has a binding for its control. */
export function reduceControl(state: BridgeState, instances: readonly MorphInstance[], event: ControlEvent, decoder: MorphDecoder): Reaction {
  const next = new Map(state.instances);
  const takeover = new Map(state.takeover);
  const changed: string[] = [];
  const dumps: string[] = [];
  const rejected: Rejection[] = [];
  const resolve = (raw: string): string | null => {
    const known = decoder.terms;
    const found = findTerm(raw, known);
    if (found !== null) return found;
    if (tooLongForTerm(raw, known)) rejected.push({ key: 'term too long', text: () => `a term of ${raw.length} characters names no term ("${raw.slice(0, 40)}...")` });
    else rejected.push({ key: 'unknown term', text: () => `unknown term "${raw}" (closest: ${closestTerms(raw, known).join(', ')})` });
    return null;
  };
  /** The term a term-picking binding chooses for this event (a word, a press, a step), or null. */
  const pickTerm = (set: TermSet, current: string): string | null => {
    const v = event.value;
    if (set.kind === 'text' && v.kind === 'text') return resolve(v.value);
    if (set.kind === 'fixed' && isPress(v)) return resolve(set.term);
    if (set.kind === 'step') {
      const list = set.through === 'vocabulary' ? decoder.terms : set.through;
      const delta = v.kind === 'relative' ? v.delta : isPress(v) ? 1 : 0;
      if (delta !== 0 && list.length > 0) return stepTerm(current, delta, list);
    }
    return null;
  };
  for (const inst of instances) {
    let s = next.get(inst.name)!;
    const before = s;
    inst.bindings.forEach((b, bi) => {
      if (!matches(b, event)) return;
      const key = `${inst.name}#${bi}`;
      const v = event.value;
      switch (b.target) {
        case 'alpha':
        case 'strength':
        case 'x':
        case 'y': {
          const field = b.target;
          const mode = MODE_OF[field];
          const moved = (next: MorphState) => (mode ? inMode(next, mode) : next);
          if (b.glue.control === 'relative') {
            if (v.kind !== 'relative') return;
            const [lo, hi] = b.glue.range;
            const delta = (b.glue.reverse ? -1 : 1) * v.delta * b.glue.step;
            s = moved({ ...s, [field]: clamp01(fieldValue(s, field) + delta, lo, hi) });
            return;
          }
          const pos = toUnit(v);
          if (pos === null) return;
          const r = applyAbsoluteGlue(b.glue, takeover.get(key) ?? FRESH_TAKEOVER, pos, fieldValue(s, field));
          takeover.set(key, r.state);
          if (r.value !== null) s = moved({ ...s, [field]: r.value });
          return;
        }
        case 'xy':
        case 'map': {
          if (v.kind !== 'point') return;
          const [x, y] = [clamp01(v.x, 0, 1), clamp01(v.y, 0, 1)];
          s = b.target === 'xy' ? inMode({ ...s, x, y }, 'xy') : inMode({ ...s, mapX: x, mapY: y }, 'map');
          return;
        }
        case 'corner': {
          const corners = [...cornersOf(s)] as [string, string, string, string];
          const term = pickTerm(b.set, corners[b.corner - 1]!);
          if (term === null) return;
          corners[b.corner - 1] = term;
          s = inMode({ ...s, corners: corners as Corners }, 'xy');
          return;
        }
        case 'term_a':
        case 'term_b': {
          const field = b.target === 'term_a' ? 'termA' : 'termB';
          const term = pickTerm(b.set, s[field]);
          if (term !== null) s = inMode({ ...s, [field]: term }, 'pair');
          return;
        }
        case 'swap':
          if (isPress(v)) s = inMode({ ...s, termA: s.termB, termB: s.termA, alpha: 1 - s.alpha }, 'pair');
          return;
        case 'preset': {
          if (!isPress(v)) return;
          const p = b.value;
          const fader = p.termA !== undefined || p.termB !== undefined || p.alpha !== undefined;
          const next = { ...s, termA: p.termA ?? s.termA, termB: p.termB ?? s.termB, alpha: p.alpha ?? s.alpha, strength: p.strength ?? s.strength, bypass: p.bypass ?? s.bypass };
          s = fader ? inMode(next, 'pair') : next;
          return;
        }
        case 'bypass': {
          const on = isPress(v);
          if (b.mode === 'toggle') {
            if (on) s = { ...s, bypass: !s.bypass };
          } else s = { ...s, bypass: on }; // momentary and set: the button's state is the bypass
          return;
        }
        case 'dump':
          if (v.kind !== 'relative') dumps.push(inst.name);
          return;
      }
    });
    if (s !== before && !sameState(s, before)) {
      next.set(inst.name, s);
      changed.push(inst.name);
      // A pair or preset change moved the target under every other control: pickup must catch it again.
      if (s.termA !== before.termA || s.termB !== before.termB) {
        inst.bindings.forEach((_, bi) => {
          const key = `${inst.name}#${bi}`;
          const t = takeover.get(key);
          if (t) takeover.set(key, rearm(t));
        });
      }
    }
  }
  return { state: { instances: next, takeover }, changed, dumps, rejected };
}

/** A button press: a note-on, a CC above half, an OSC trigger or an int/float above half. Releases are not presses. */
function isPress(v: ControlEvent['value']): boolean {
  const u = toUnit(v);
  if (u !== null) return u >= 0.5;
  return v.kind === 'text' ? v.value !== '' : v.kind === 'relative' ? v.delta > 0 : false;
}
