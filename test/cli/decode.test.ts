import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eqmorph } from '../support/cli.js';

test('decode --json prints exactly one object with five bands in the documented order', async () => {
  const r = await eqmorph('decode', 'warm', 'bright', '--alpha', '0.5', '--json');
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

test('an unknown term exits 2 and names the closest known terms', async () => {
  const r = await eqmorph('decode', 'warm', 'brite', '--alpha', '0.5');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown term "brite"; closest known terms: bright/);
});

test('alpha or strength outside 0..1 is a clear error with exit 2', async () => {
  assert.match((await eqmorph('decode', 'warm', 'bright', '--alpha', '1.5')).stderr, /--alpha must be a number in 0\.\.1, got "1\.5"/);
  const negative = await eqmorph('decode', 'warm', 'bright', '--alpha', '-1', '--strength', '-1');
  assert.equal(negative.code, 2);
  assert.match(negative.stderr, /--alpha must be a number in 0\.\.1, got "-1"/);
});

test('decode --plot writes an SVG of the response', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-plot-'));
  const file = join(dir, 'p.svg');
  const r = await eqmorph('decode', 'warm', 'bright', '--alpha', '0.25', '--plot', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(readFileSync(file, 'utf8'), /^<svg[\s\S]*<path[\s\S]*<\/svg>$/);
  assert.match(r.stdout, /lowshelf[\s\S]*highshelf/);
  rmSync(dir, { recursive: true });
});

test('decode takes a SocialEQ word in any spelling the lookup forgives', async () => {
  const word = (JSON.parse((await eqmorph('terms', '--json')).stdout) as { term: string; source: string }[]).find((t) => t.source === 'socialeq' && /^[a-z]+$/.test(t.term))!.term;
  const r = await eqmorph('decode', 'warm', ` ${word.toUpperCase()}  `, '--alpha', '1', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).termB, word);
});

test('decode --steps --json prints the whole path from the pair table a running bridge reads', async () => {
  const r = await eqmorph('decode', 'warm', 'bright', '--steps', '5', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  assert.deepEqual(Object.keys(out), ['termA', 'termB', 'strength', 'path']);
  assert.deepEqual(out.path.map((p: { alpha: number }) => p.alpha), [0, 0.25, 0.5, 0.75, 1]);
  const { EqModel } = await import('../../src/model/eq-model.js');
  const { CachedDecoder } = await import('../../src/morph/cached-decoder.js');
  const { DEFAULT_MODEL_DIR } = await import('../../src/data/paths.js');
  const decoder = new CachedDecoder(await EqModel.load(DEFAULT_MODEL_DIR));
  decoder.prepare('warm', 'bright');
  out.path.forEach((p: { alpha: number; bands: { type: string; gain: number; freq: number; q: number }[] }) => {
    const sent = decoder.decode('warm', 'bright', p.alpha);
    p.bands.forEach((b, i) => {
      assert.equal(b.type, sent[i]!.type);
      assert.ok(Math.abs(b.gain - sent[i]!.gain) < 1e-3);
      assert.ok(Math.abs(b.freq / sent[i]!.freq - 1) < 1e-4);
    });
  });
});

test('decode --steps prints a readable table, one row per blend; --steps with --alpha is refused with exit 2', async () => {
  const r = await eqmorph('decode', 'warm', 'bright', '--steps', '3');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').slice(2);
  assert.deepEqual(rows.map((l) => l.split(/\s+/)[0]), ['0.000', '0.500', '1.000']);
  assert.equal((await eqmorph('decode', 'warm', 'bright', '--steps', '3', '--alpha', '0.5')).code, 2);
  assert.match((await eqmorph('decode', 'warm', 'bright', '--steps', '1')).stderr, /--steps/);
});
