// One morph instance's state (term pair, blend, strength, bypass) and the EQ it stands for.

import { applyStrength, type Band, type EqSettings } from '../eq/bands.js';
import type { Db } from '../eq/units.js';

export interface MorphState {
  readonly termA: string;
  readonly termB: string;
  readonly alpha: number;
  readonly strength: number;
  readonly bypass: boolean;
}

/** Anything that turns a term pair and a blend into bands: eqmorph's own five, or a target's fitted layout. */
export interface BandDecoder<B extends readonly Band[] = readonly Band[]> {
  decode(termA: string, termB: string, alpha: number): B;
}

/** What the bridge needs of a decoder: synchronous, and fast enough for every fader event. */
export interface MorphDecoder extends BandDecoder<EqSettings> {
  readonly terms: readonly string[];
  hasTerm(term: string): boolean;
}

/**
 * Bypass keeps frequencies and Q where they are (no sweeping on the way back) and sets every gain to 0 dB. Strength
 * scales the gains of whatever bands the decoder gives, so a target's fitted bands get the same treatment as eqmorph's
 * own: the fit is made once at full strength, and strength 0 is flat on both.
 */
export function morphBands<B extends readonly Band[]>(state: MorphState, decoder: BandDecoder<B>): B {
  const bands = decoder.decode(state.termA, state.termB, state.alpha);
  if (state.bypass) return bands.map((b) => ({ ...b, gain: 0 as Db })) as unknown as B;
  return applyStrength(bands, state.strength);
}

export function sameState(a: MorphState, b: MorphState): boolean {
  return a.termA === b.termA && a.termB === b.termB && a.alpha === b.alpha && a.strength === b.strength && a.bypass === b.bypass;
}
