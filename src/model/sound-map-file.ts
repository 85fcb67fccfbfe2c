// The sound map of a model: its words' decoded responses placed by sound-map.ts, shipped as sound-map.json beside the model.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_GRID } from '../eq/grid.js';
import { responseFromParams } from '../eq/response.js';
import type { EqModel } from './eq-model.js';
import { soundMap, type SoundMap, type WordResponse } from './sound-map.js';

export const SOUND_MAP_FILE = 'sound-map.json';

/** Each default-vocabulary word's decoded centroid as a response on the default grid, in one batched decode. */
export function vocabularyResponses(model: EqModel): WordResponse[] {
  const terms = model.terms;
  const rows = model.decodeLatents(terms.map((t) => model.term(t)!.z));
  return terms.map((term, i) => {
    const info = model.term(term)!;
    return { term, source: info.source, count: info.count, response: responseFromParams(rows[i]!, DEFAULT_GRID) };
  });
}

export function computeSoundMap(model: EqModel): SoundMap {
  return soundMap(vocabularyResponses(model), DEFAULT_GRID);
}

/** One word per line, like terms.json: readable in a diff. */
export function writeSoundMap(dir: string, map: SoundMap): void {
  const { points, ...head } = map;
  const lines = points.map((p) => `  ${JSON.stringify(p)}`);
  const json = JSON.stringify(head, null, 1).replace(/\n}$/, `,\n "points": [\n${lines.join(',\n')}\n ]\n}\n`);
  writeFileSync(join(dir, SOUND_MAP_FILE), json);
}

/** The map shipped in `dir`, or null when there is none. */
export function readSoundMap(dir: string): SoundMap | null {
  const file = join(dir, SOUND_MAP_FILE);
  if (!existsSync(file)) return null;
  const map = JSON.parse(readFileSync(file, 'utf8')) as SoundMap;
  return map.formatVersion === 1 && Array.isArray(map.points) ? map : null;
}

/**
 * The model's sound map: the shipped file when it places exactly the model's default vocabulary, otherwise computed
 * now (a fraction of a second), so a model whose vocabulary changed without its map still gets a true map.
 */
export function soundMapFor(model: EqModel, dir: string): { map: SoundMap; shipped: boolean } {
  const shipped = readSoundMap(dir);
  const terms = model.terms;
  if (shipped && shipped.points.length === terms.length && shipped.points.every((p, i) => p.term === terms[i])) return { map: shipped, shipped: true };
  return { map: computeSoundMap(model), shipped: false };
}
