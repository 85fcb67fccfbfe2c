// Applies decoded control events to morph instances through the mapping's bindings: a pure reducer over all instances.

import type { ControlEvent } from '../codecs/control-value.js';
import { toUnit } from '../codecs/control-value.js';
import { sameState, type MorphDecoder, type MorphState } from '../morph/morph-state.js';
import type { Binding, MorphInstance } from '../profiles/types.js';
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
  for (const inst of instances) {
    let s = next.get(inst.name)!;
    const before = s;
    inst.bindings.forEach((b, bi) => {
      if (!matches(b, event)) return;
      const key = `${inst.name}#${bi}`;
      const v = event.value;
      switch (b.target) {
        case 'alpha':
        case 'strength': {
          const field = b.target;
          if (b.glue.control === 'relative') {
            if (v.kind !== 'relative') return;
            const [lo, hi] = b.glue.range;
            const delta = (b.glue.reverse ? -1 : 1) * v.delta * b.glue.step;
            s = { ...s, [field]: clamp01(s[field] + delta, lo, hi) };
            return;
          }
          const pos = toUnit(v);
          if (pos === null) return;
          const r = applyAbsoluteGlue(b.glue, takeover.get(key) ?? FRESH_TAKEOVER, pos, s[field]);
          takeover.set(key, r.state);
          if (r.value !== null) s = { ...s, [field]: r.value };
          return;
        }
        case 'term_a':
        case 'term_b': {
          const field = b.target === 'term_a' ? 'termA' : 'termB';
          let term: string | null = null;
          if (b.set.kind === 'text' && v.kind === 'text') term = resolve(v.value);
          else if (b.set.kind === 'fixed' && isPress(v)) term = resolve(b.set.term);
          else if (b.set.kind === 'step') {
            const list = b.set.through === 'vocabulary' ? decoder.terms : b.set.through;
            const delta = v.kind === 'relative' ? v.delta : isPress(v) ? 1 : 0;
            if (delta !== 0 && list.length > 0) term = stepTerm(s[field], delta, list);
          }
          if (term !== null) s = { ...s, [field]: term };
          return;
        }
        case 'swap':
          if (isPress(v)) s = { ...s, termA: s.termB, termB: s.termA, alpha: 1 - s.alpha };
          return;
        case 'preset': {
          if (!isPress(v)) return;
          const p = b.value;
          s = { termA: p.termA ?? s.termA, termB: p.termB ?? s.termB, alpha: p.alpha ?? s.alpha, strength: p.strength ?? s.strength, bypass: p.bypass ?? s.bypass };
          return;
        }
        case 'bypass': {
          const on = isPress(v);
          if (b.mode === 'toggle') {
            if (on) s = { ...s, bypass: !s.bypass };
          } else if (b.mode === 'momentary') s = { ...s, bypass: on };
          else s = { ...s, bypass: on };
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
