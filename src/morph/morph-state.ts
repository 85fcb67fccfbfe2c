// One morph instance's state (term pair and blend, or four corner words and a pad point, or a sound-map point; strength, bypass) and the EQ it stands for.

import { applyStrength, type Band, type EqSettings } from '../eq/bands.js';
import type { Db } from '../eq/units.js';

/** Four corner words of an XY pad: bottom-left, bottom-right, top-left, top-right (the order of `--corners`). */
export type Corners = readonly [string, string, string, string];

/**
 * Which control the EQ follows: the two-word fader (`pair`, also when absent), the XY pad over four corner words
 * (`xy`), or a point of the sound map (`map`). The other controls keep their values while unheard, so switching back
 * finds them where they were.
 */
export type MorphMode = 'pair' | 'xy' | 'map';

export interface MorphState {
  readonly termA: string;
  readonly termB: string;
  readonly alpha: number;
  readonly strength: number;
  readonly bypass: boolean;
  /** Absent on an instance that never left the two-word fader: that state is exactly what it always was. */
  readonly mode?: MorphMode;
  readonly corners?: Corners;
  /** The pad point, 0..1 each, x from left to right corners, y from bottom to top. */
  readonly x?: number;
  readonly y?: number;
  /** The sound-map point, 0..1 each. */
  readonly mapX?: number;
  readonly mapY?: number;
}

/** Where the pad and the map start when a state does not say: the middle. */
export const PAD_CENTRE = 0.5;

/** An instance's corners, defaulting to its pair on both rows (so the pad's x axis is its fader). */
export function cornersOf(s: MorphState): Corners {
  return s.corners ?? [s.termA, s.termB, s.termA, s.termB];
}

/** Anything that turns a term pair and a blend into bands: eqmorph's own five, or a target's fitted layout. */
export interface BandDecoder<B extends readonly Band[] = readonly Band[]> {
  decode(termA: string, termB: string, alpha: number): B;
  /** The pad: four corner words blended at (x, y) so that each edge is the two-word path between its corners. */
  decodeXY?(corners: Corners, x: number, y: number): B;
  /** A point of the sound map, 0..1 each. */
  decodeMap?(x: number, y: number): B;
  /** False while the pair's table is being built: its decode is then a first answer of a few ms, not a table read. */
  ready?(termA: string, termB: string): boolean;
  /**
   * Where the pair's answer at alpha is being made off this thread, resolves when it is there (never rejects), and
   * from then on gives undefined; a caller that can hold the answer back waits for it instead of decoding at once, as
   * long as this gives a promise (see FittedDecoder.settled). `urgent`: a channel being moved waits for it, so it goes
   * ahead of the answers other channels' starts wait for.
   */
  settled?(termA: string, termB: string, alpha: number, urgent?: boolean): Promise<void> | undefined;
  /**
   * While the pair's answer at alpha is being made off this thread: an answer from what is already made for the pair
   * (a read between the nearest samples made on either side of alpha), or undefined where nothing made brackets alpha;
   * `make`: a word not made yet counts as its own bands set on the target's layout, unfitted (no fit here), so there
   * always is one. The bridge sends it when a moved channel's answer is late, and the made one when it comes.
   */
  provisional?(termA: string, termB: string, alpha: number, make?: boolean): B | undefined;
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
  const bands = decodeState(state, decoder);
  if (state.bypass) return bands.map((b) => ({ ...b, gain: 0 as Db })) as unknown as B;
  return applyStrength(bands, state.strength);
}

/** The bands of whichever control the state follows, before strength and bypass. */
export function decodeState<B extends readonly Band[]>(state: MorphState, decoder: BandDecoder<B>): B {
  if (state.mode === 'xy' && decoder.decodeXY) return decoder.decodeXY(cornersOf(state), state.x ?? PAD_CENTRE, state.y ?? PAD_CENTRE);
  if (state.mode === 'map' && decoder.decodeMap) return decoder.decodeMap(state.mapX ?? PAD_CENTRE, state.mapY ?? PAD_CENTRE);
  return decoder.decode(state.termA, state.termB, state.alpha);
}

const sameCorners = (a: Corners | undefined, b: Corners | undefined) => a === b || (a !== undefined && b !== undefined && a.every((t, i) => t === b[i]));

export function sameState(a: MorphState, b: MorphState): boolean {
  return (
    a.termA === b.termA &&
    a.termB === b.termB &&
    a.alpha === b.alpha &&
    a.strength === b.strength &&
    a.bypass === b.bypass &&
    (a.mode ?? 'pair') === (b.mode ?? 'pair') &&
    sameCorners(a.corners, b.corners) &&
    a.x === b.x &&
    a.y === b.y &&
    a.mapX === b.mapX &&
    a.mapY === b.mapY
  );
}
