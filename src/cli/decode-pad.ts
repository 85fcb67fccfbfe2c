// `eqmorph decode --corners A,B,C,D --xy X,Y` (and `--grid N`, `--map X,Y`): the XY pad and the sound map, read as a running bridge reads them.

import { applyStrength, type EqSettings } from '../eq/bands.js';
import { DEFAULT_GRID } from '../eq/grid.js';
import { responseDb } from '../eq/response.js';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { peaksAscending } from '../data/terms.js';
import type { EqModel } from '../model/eq-model.js';
import { soundMapFor } from '../model/sound-map-file.js';
import { tiltAndBody } from '../model/sound-map.js';
import { CachedDecoder } from '../morph/cached-decoder.js';
import type { Corners } from '../morph/morph-state.js';
import { numberFlag } from './args.js';
import { UsageError } from './errors.js';

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
export const bandsJson = (bands: EqSettings) => bands.map((b) => ({ type: b.type, gain: round(b.gain, 3), freq: round(b.freq, 2), q: round(b.q, 4) }));

/** "0.25,0.75" as two numbers 0..1, or a UsageError naming the flag. */
export function pointFlag(name: string, raw: string): readonly [number, number] {
  const parts = raw.split(',');
  if (parts.length !== 2) throw new UsageError(`--${name} takes two numbers 0..1 separated by a comma, e.g. --${name} 0.25,0.75`);
  return [numberFlag(name, parts[0]!.trim(), { min: 0, max: 1 })!, numberFlag(name, parts[1]!.trim(), { min: 0, max: 1 })!];
}

/** "dark,bright,warm,airy" as four known terms, each resolved as `decode` resolves a term. */
export function cornersFlag(raw: string, resolveTerm: (t: string) => string): Corners {
  const parts = raw.split(',').map((t) => t.trim());
  if (parts.length !== 4 || parts.some((t) => t === '')) throw new UsageError('--corners takes four terms separated by commas: bottom-left,bottom-right,top-left,top-right');
  return parts.map(resolveTerm) as unknown as Corners;
}

/** A decoder with the pad's four edge tables and its grid built, as a bridge has them once the corners are set. */
export function padDecoder(model: EqModel, corners: Corners | null, modelDir: string | undefined): CachedDecoder {
  const map = corners ? undefined : soundMapFor(model, modelDir ?? DEFAULT_MODEL_DIR).map.points;
  const decoder = new CachedDecoder(model, { soundMap: map });
  if (corners) decoder.preparePad(corners);
  decoder.map?.build();
  return decoder;
}

export interface PadOptions {
  readonly corners: Corners | null;
  readonly xy: readonly [number, number] | null;
  readonly map: readonly [number, number] | null;
  readonly grid: number | null;
  readonly strength: number;
  readonly json: boolean;
}

/** The text or JSON `decode` prints for the pad or the map. */
export function decodePad(decoder: CachedDecoder, o: PadOptions, table: (bands: EqSettings) => string): string {
  // Listed as decode lists one blend: peaking bands by ascending frequency.
  const at = (x: number, y: number) => peaksAscending(applyStrength(o.corners ? decoder.decodeXY(o.corners, x, y) : decoder.decodeMap(x, y), o.strength));
  const where = o.corners ? { corners: [...o.corners] } : {};
  if (o.grid !== null) {
    const n = o.grid;
    const coords = Array.from({ length: n }, (_, i) => (n === 1 ? 0.5 : i / (n - 1)));
    const cells = coords.flatMap((y) => coords.map((x) => ({ x: round(x, 6), y: round(y, 6), bands: at(x, y) })));
    if (o.json) return JSON.stringify({ ...where, ...(o.corners ? {} : { map: true }), strength: o.strength, grid: n, points: cells.map((c) => ({ x: c.x, y: c.y, bands: bandsJson(c.bands) })) });
    // One cell per point, top row first as on a pad: the spectral tilt (highs minus lows) and mid body, dB.
    const head = o.corners ? `pad ${o.corners.join(', ')} (bottom-left, bottom-right, top-left, top-right)` : 'sound map';
    const lines = [`${head}, strength ${o.strength}: tilt/body dB (highs - lows / mids - ends) at each point, top row y = 1`];
    lines.push('  y\\x  ' + coords.map((x) => x.toFixed(2).padStart(11)).join(''));
    for (const y of coords.slice().reverse()) {
      const row = coords.map((x) => {
        const tb = tiltAndBody(responseDb(at(x, y), DEFAULT_GRID), DEFAULT_GRID);
        return `${tb.tilt.toFixed(1)}/${tb.body.toFixed(1)}`.padStart(11);
      });
      lines.push(`  ${y.toFixed(2)}  ${row.join('')}`);
    }
    return lines.join('\n');
  }
  const [x, y] = (o.corners ? o.xy : o.map)!;
  const bands = at(x, y);
  if (o.json) return JSON.stringify({ ...where, ...(o.corners ? { xy: [x, y] } : { map: [x, y] }), strength: o.strength, bands: bandsJson(bands) });
  const head = o.corners ? `pad ${o.corners.join(', ')} at x ${x}, y ${y}` : `sound map at ${x}, ${y}`;
  return `${head}, strength ${o.strength}\n${table(bands)}`;
}
