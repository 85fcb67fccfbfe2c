// `eqmorph decode`: the EQ settings between two terms at a blend, as a table and a response plot, or as JSON.

import { writeFileSync } from 'node:fs';
import { applyStrength, paramsToBands, type Band, type EqSettings } from '../eq/bands.js';
import { CachedDecoder } from '../morph/cached-decoder.js';
import { readPairTable } from '../morph/pair-table.js';
import { DEFAULT_GRID } from '../eq/grid.js';
import { svgPlot, terminalPlot } from '../eq/plot.js';
import { responseDb } from '../eq/response.js';
import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { peaksAscending } from '../data/terms.js';
import type { EqModel } from '../model/eq-model.js';
import { closestTerms, lookupTerm } from '../model/vocabulary.js';
import { numberFlag, parseFlags } from './args.js';
import { UsageError } from './errors.js';
import { loadModelOption } from './model-option.js';
import { cornersFlag, decodePad, padDecoder, pointFlag } from './decode-pad.js';

export const DECODE_HELP = `eqmorph decode <termA> <termB> --alpha A [options]
eqmorph decode <termA> <termB> --steps N [options]

Prints the 5-band EQ at blend alpha between two terms (0 = all A, 1 = all B), or with --steps the whole path
exactly as a running bridge sends it (the pair's table, bands in the bridge's order).
eqmorph decode --corners A,B,C,D (--xy X,Y | --grid N) [options]
eqmorph decode --map X,Y [options]

Or on the XY pad over four corner words (bottom-left, bottom-right, top-left, top-right; each edge is the two-word
path between its corners), at one point or as an N x N grid; or at a point of the sound map (see eqmorph map). Pad
and map are read from the same tables as a running bridge reads them.

  --alpha A       blend, 0..1
  --steps N       the path at N evenly spaced blends, alpha = 0, 1/(N-1), ..., 1 (N >= 2)
  --strength S    scales every gain toward 0 dB, 0..1 (default 1)
  --model DIR     model directory (default ${DEFAULT_MODEL_DIR})
  --plot FILE     also write the response as an SVG plot
  --json          print one JSON object: {termA, termB, alpha, strength, bands: [{type, gain, freq, q}]}, or with
                  --steps {termA, termB, strength, path: [{alpha, bands: [{type, gain, freq, q}]}]}
                  (on the pad: {corners, xy, strength, bands}; with --grid: {corners, strength, grid, points: [{x, y, bands}]})
  --corners A,B,C,D   the pad's corner words
  --xy X,Y        the pad point, 0..1 each (x left to right, y bottom to top)
  --grid N        the whole pad (or map) as an N x N grid, 2..33
  --map X,Y       a point of the sound map, 0..1 each
`;

/** Resolves a term the user typed, or fails with exit code 2 naming the closest known terms. */
export function requireTerm(model: EqModel, input: string): string {
  // Hidden words (thin support, poor fit) are accepted when named exactly, but never suggested.
  const found = lookupTerm(input, model.allTerms);
  if (found.ok) return found.term;
  const suggestions = closestTerms(input, model.terms);
  throw new UsageError(`unknown term "${input}"; closest known terms: ${suggestions.join(', ')} (see \`eqmorph terms\`)`);
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const bandJson = (b: Band) => ({ type: b.type, gain: round(b.gain, 3), freq: round(b.freq, 2), q: round(b.q, 4) });

/** A pair's path at `steps` evenly spaced blends, read from the same pair table a running bridge builds and reads. */
export function bridgePath(model: EqModel, termA: string, termB: string, steps: number, strength = 1): { alpha: number; bands: EqSettings }[] {
  const table = new CachedDecoder(model, { maxPairs: 1 }).table(termA, termB);
  return Array.from({ length: steps }, (_, i) => {
    const alpha = i / (steps - 1);
    return { alpha, bands: applyStrength(paramsToBands(readPairTable(table, alpha)), strength) };
  });
}

function writePath(termA: string, termB: string, path: readonly { alpha: number; bands: EqSettings }[], strength: number, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify({ termA, termB, strength, path: path.map((p) => ({ alpha: p.alpha, bands: p.bands.map(bandJson) })) }) + '\n');
    return;
  }
  const head = `${'alpha'.padEnd(7)}` + [1, 2, 3, 4, 5].map((i) => `| band ${i} gain/freq/Q`.padEnd(26)).join('');
  const rows = path.map((p) => p.alpha.toFixed(3).padEnd(7) + p.bands.map((b) => `| ${b.gain.toFixed(1).padStart(5)} dB ${Math.round(b.freq).toString().padStart(5)} Hz ${b.q.toFixed(2).padStart(5)}`.padEnd(26)).join(''));
  process.stdout.write(`${termA} -> ${termB}, strength ${strength}, ${path.length} steps (bands in the bridge's order: low shelf, 3 peaking, high shelf)\n${head}\n${rows.join('\n')}\n`);
}

export function bandsTable(bands: EqSettings): string {
  const rows = bands.map((b, i) => `  ${String(i + 1).padEnd(5)}${b.type.padEnd(11)}${b.gain.toFixed(2).padStart(8)} dB${b.freq.toFixed(1).padStart(10)} Hz${b.q.toFixed(3).padStart(8)}`);
  return ['  band type          gain         freq       Q', ...rows].join('\n');
}

export async function decodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    args,
    {
      alpha: { type: 'string' },
      steps: { type: 'string' },
      strength: { type: 'string' },
      model: { type: 'string' },
      plot: { type: 'string' },
      json: { type: 'boolean' },
      corners: { type: 'string' },
      xy: { type: 'string' },
      grid: { type: 'string' },
      map: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(DECODE_HELP);
    return 0;
  }
  if (values.corners !== undefined || values.map !== undefined || values.xy !== undefined || values.grid !== undefined) return decodePadCommand(values, positionals);
  if (positionals.length !== 2) throw new UsageError('decode needs two terms, e.g. `eqmorph decode warm bright --alpha 0.5`');
  if (values.alpha !== undefined && values.steps !== undefined) throw new UsageError('give either --alpha or --steps, not both');
  if (values.alpha === undefined && values.steps === undefined) throw new UsageError('--alpha A (0 = all termA, 1 = all termB) or --steps N (the whole path) is required');
  const alpha = numberFlag('alpha', values.alpha, { min: 0, max: 1 }) ?? 0;
  const steps = numberFlag('steps', values.steps, { min: 2, max: 10001, integer: true });
  const strength = numberFlag('strength', values.strength, { min: 0, max: 1 }) ?? 1;
  const model = await loadModelOption(values.model);
  const termA = requireTerm(model, positionals[0]!);
  const termB = requireTerm(model, positionals[1]!);
  if (steps !== undefined) {
    if (values.plot) throw new UsageError('--plot draws one blend; use it with --alpha');
    writePath(termA, termB, bridgePath(model, termA, termB, steps, strength), strength, values.json === true);
    return 0;
  }
  // What a running bridge sends at this alpha (the pair table), listed with the peaking bands by ascending frequency.
  const table = new CachedDecoder(model, { maxPairs: 1 }).table(termA, termB);
  const bands = peaksAscending(applyStrength(paramsToBands(readPairTable(table, alpha)), strength));
  if (values.json) {
    const out = { termA, termB, alpha, strength, bands: bands.map(bandJson) };
    process.stdout.write(JSON.stringify(out) + '\n');
  } else {
    const resp = responseDb(bands, DEFAULT_GRID);
    process.stdout.write(`${termA} -> ${termB}, alpha ${alpha}, strength ${strength}\n${bandsTable(bands)}\n\n`);
    process.stdout.write(terminalPlot(resp, DEFAULT_GRID, { title: `response of ${termA}/${termB} at alpha ${alpha}` }) + '\n');
  }
  if (values.plot) {
    const resp = responseDb(bands, DEFAULT_GRID);
    writeFileSync(values.plot, svgPlot([{ label: `${termA}/${termB} α=${alpha}`, db: resp }], DEFAULT_GRID, { title: 'eqmorph decode' }));
    if (!values.json) process.stdout.write(`plot written to ${values.plot}\n`);
  }
  return 0;
}

async function decodePadCommand(values: { corners?: string; xy?: string; grid?: string; map?: string; strength?: string; model?: string; json?: boolean; alpha?: string; plot?: string }, positionals: string[]): Promise<number> {
  if (positionals.length > 0 || values.alpha !== undefined) throw new UsageError('the pad and the map take no terms or --alpha: give --corners A,B,C,D with --xy X,Y or --grid N, or --map X,Y');
  if (values.plot !== undefined) throw new UsageError('--plot draws a two-word decode; for the pad or the map use --json');
  if (values.corners !== undefined && values.map !== undefined) throw new UsageError('give --corners (the pad) or --map (the sound map), not both');
  if (values.corners === undefined && values.map === undefined && values.grid === undefined) throw new UsageError('--xy needs --corners A,B,C,D (the four corner words)');
  const grid = numberFlag('grid', values.grid, { min: 2, max: 33, integer: true }) ?? null;
  const xy = values.xy !== undefined ? pointFlag('xy', values.xy) : null;
  const map = values.map !== undefined ? pointFlag('map', values.map) : null;
  if (values.corners !== undefined && xy === null && grid === null) throw new UsageError('--corners needs --xy X,Y (one point) or --grid N (the whole pad)');
  if (xy !== null && grid !== null) throw new UsageError('give --xy (one point) or --grid (the whole pad), not both');
  if (values.corners === undefined && xy !== null) throw new UsageError('--xy is a pad point and needs --corners A,B,C,D; for the sound map use --map X,Y');
  const strength = numberFlag('strength', values.strength, { min: 0, max: 1 }) ?? 1;
  const model = await loadModelOption(values.model);
  const corners = values.corners !== undefined ? cornersFlag(values.corners, (t) => requireTerm(model, t)) : null;
  const decoder = padDecoder(model, corners, values.model);
  process.stdout.write(decodePad(decoder, { corners, xy, map, grid, strength, json: values.json ?? false }, bandsTable) + '\n');
  return 0;
}
