import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SAFE_DB } from '../../src/data/paths.js';

// The CLI as a user runs it: through tsx so the test needs no build step.
function eqmorph(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('decode --json prints exactly one object with five bands in the documented order', () => {
  const r = eqmorph('decode', 'warm', 'bright', '--alpha', '0.5', '--json');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const out = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(out), ['termA', 'termB', 'alpha', 'strength', 'bands']);
  assert.deepEqual(out.bands.map((b: { type: string }) => b.type), ['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf']);
  const peaks = out.bands.slice(1, 4).map((b: { freq: number }) => b.freq);
  assert.deepEqual(peaks, [...peaks].sort((a: number, b: number) => a - b));
  for (const b of out.bands) assert.deepEqual(Object.keys(b), ['type', 'gain', 'freq', 'q']);
});

test('an unknown term exits 2 and names the closest known terms', () => {
  const r = eqmorph('decode', 'warm', 'brite', '--alpha', '0.5');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown term "brite"; closest known terms: bright/);
});

test('alpha or strength outside 0..1 is a clear error with exit 2', () => {
  assert.match(eqmorph('decode', 'warm', 'bright', '--alpha', '1.5').stderr, /--alpha must be a number in 0\.\.1, got "1\.5"/);
  assert.equal(eqmorph('decode', 'warm', 'bright', '--alpha', '0.5', '--strength', '-1').code, 2);
});

test('a missing model directory is an error naming the path, exit 2', () => {
  const r = eqmorph('terms', '--model', '/nonexistent/model');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\/nonexistent\/model: no model directory here/);
});

test('decode --plot writes an SVG of the response', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-plot-'));
  const file = join(dir, 'p.svg');
  const r = eqmorph('decode', 'warm', 'bright', '--alpha', '0.25', '--plot', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(file, 'utf8'), /^<svg[\s\S]*<path[\s\S]*<\/svg>$/);
  assert.match(r.stdout, /lowshelf[\s\S]*highshelf/);
  rmSync(dir, { recursive: true });
});

test('eval --json reports every key the evaluation promises (needs ../shared/datasets)', { skip: existsSync(DEFAULT_SAFE_DB) ? false : `dataset absent at ${DEFAULT_SAFE_DB}` }, () => {
  const r = eqmorph('eval', '--json');
  assert.equal(r.code, 0, r.stderr);
  const e = JSON.parse(r.stdout);
  for (const k of ['model', 'pca', 'termMean']) assert.equal(typeof e.reconstruction[k].responseMaeDb, 'number');
  for (const k of ['silhouette', 'daviesBouldin', 'centroidAccuracy']) assert.equal(typeof e.latent[k], 'number');
  for (const t of ['warm', 'bright']) assert.equal(typeof e.endpoints[t].responseMaeDb, 'number');
  assert.equal(typeof e.paths.maxStepRatio, 'number');
  assert.equal(typeof e.paths.monotonic, 'boolean');
  assert.ok(e.blends.model.nearestDb > 0 && e.blends.paramAverage.nearestDb > 0);
});
