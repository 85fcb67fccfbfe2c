// `eqmorph map`: the sound map of a model's vocabulary, printed, as JSON or drawn as SVG; `--write` recomputes the shipped file.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { computeSoundMap, SOUND_MAP_FILE, soundMapFor, writeSoundMap } from '../model/sound-map-file.js';
import type { SoundMap } from '../model/sound-map.js';
import { placeLabels } from '../web/map-labels.js';
import { parseFlags } from './args.js';
import { loadModelOption } from './model-option.js';

export const MAP_HELP = `eqmorph map [--json] [--svg FILE] [--write] [--model DIR]

The sound map: every word of the model's default vocabulary placed in 2-D so that distance on the map is difference
in sound (RMS dB between the words' decoded responses; x runs from dark to bright, y from less to more mid body).
Any point of it is playable: /eqmorph/map x y, a map binding, the web page, or eqmorph decode --map X,Y.

  --json        print [{term, x, y, source, count}] (x, y in 0..1)
  --svg FILE    draw it: every word a dot, the best-supported labelled where they do not overlap
  --write       recompute the map from the model and write ${SOUND_MAP_FILE} into the model directory
  --model DIR   model directory (default ${DEFAULT_MODEL_DIR})
`;

const SVG_SIZE = 900;
const CHAR_W = 6.6;
const LINE_H = 13;

export function mapSvg(map: SoundMap): string {
  const pad = 20;
  const inner = SVG_SIZE - 2 * pad;
  const pts = map.points.map((p) => ({ term: p.term, px: pad + p.x * inner, py: pad + (1 - p.y) * inner, priority: p.count }));
  const labels = placeLabels(pts, { width: SVG_SIZE, height: SVG_SIZE }, (t) => t.length * CHAR_W, LINE_H);
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const dots = pts.map((p) => `<circle cx="${p.px.toFixed(1)}" cy="${p.py.toFixed(1)}" r="2.5" fill="#4a7bd0"><title>${esc(p.term)}</title></circle>`);
  const text = labels.map((l) => `<text x="${l.x.toFixed(1)}" y="${(l.y + LINE_H - 3).toFixed(1)}">${esc(l.term)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SVG_SIZE}" height="${SVG_SIZE}" viewBox="0 0 ${SVG_SIZE} ${SVG_SIZE}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${pad}" y="14" fill="#666">eqmorph sound map: dark ← → bright, ↑ more mid body; Spearman ρ ${map.spearman.toFixed(3)} with response distance</text>`,
    ...dots,
    ...text,
    '</svg>',
  ].join('\n');
}

/** A character picture of the map with the best-supported words that fit, for a terminal. */
export function mapText(map: SoundMap, cols = 100, rows = 30): string {
  const grid = Array.from({ length: rows }, () => new Array<string>(cols).fill(' '));
  const pts = map.points.map((p) => ({ term: p.term, px: Math.round(p.x * (cols - 1)), py: Math.round((1 - p.y) * (rows - 1)), priority: p.count }));
  for (const p of pts) grid[p.py]![p.px] = '.';
  const labels = placeLabels(pts, { width: cols, height: rows }, (t) => t.length + 1, 1, 1);
  for (const l of labels) for (let i = 0; i < l.term.length; i++) grid[Math.round(l.y)]![Math.round(l.x) + i] = l.term[i]!;
  return grid.map((r) => r.join('').trimEnd()).join('\n');
}

export async function mapCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { json: { type: 'boolean' }, svg: { type: 'string' }, write: { type: 'boolean' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(MAP_HELP);
    return 0;
  }
  const dir = resolve(values.model ?? DEFAULT_MODEL_DIR);
  const model = await loadModelOption(dir);
  const { map, shipped } = values.write ? { map: computeSoundMap(model), shipped: false } : soundMapFor(model, dir);
  if (values.write) writeSoundMap(dir, map);
  if (values.svg) writeFileSync(values.svg, mapSvg(map));
  if (values.json) {
    process.stdout.write(JSON.stringify(map.points, null, 1) + '\n');
    return 0;
  }
  const origin = values.write ? `computed and written to ${resolve(dir, SOUND_MAP_FILE)}` : shipped ? `shipped with the model` : `computed now (the model has no up-to-date ${SOUND_MAP_FILE}; eqmorph map --write saves it)`;
  process.stdout.write(`${mapText(map)}\n\n${map.points.length} words, ${origin}; ${map.method}\nSpearman ρ ${map.spearman.toFixed(3)} between map and response distance, stress ${map.stress.toFixed(3)}\n`);
  if (values.svg) process.stdout.write(`map drawn to ${values.svg}\n`);
  return 0;
}
