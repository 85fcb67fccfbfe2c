// One morph instance's state (term pair, blend, strength, bypass) and the EQ it stands for.

import { applyStrength, type EqSettings } from '../eq/bands.js';
import type { Db } from '../eq/units.js';

export interface MorphState {
  readonly termA: string;
  readonly termB: string;
  readonly alpha: number;
  readonly strength: number;
  readonly bypass: boolean;
}

/** What the bridge needs of a decoder: synchronous, and fast enough for every fader event. */
export interface MorphDecoder {
  readonly terms: readonly string[];
  hasTerm(term: string): boolean;
  decode(termA: string, termB: string, alpha: number): EqSettings;
}

/** Bypass keeps frequencies and Q where they are (no sweeping on the way back) and sets every gain to 0 dB. */
export function morphBands(state: MorphState, decoder: MorphDecoder): EqSettings {
  const bands = decoder.decode(state.termA, state.termB, state.alpha);
  if (state.bypass) return bands.map((b) => ({ ...b, gain: 0 as Db })) as unknown as EqSettings;
  return applyStrength(bands, state.strength);
}

export function sameState(a: MorphState, b: MorphState): boolean {
  return a.termA === b.termA && a.termB === b.termB && a.alpha === b.alpha && a.strength === b.strength && a.bypass === b.bypass;
}
