import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { eqmorph } from '../support/cli.js';


test('decode --corners --xy --json prints decode\'s object with corners and xy in place of the term pair', async () => {
  const r = await eqmorph('decode', '--corners', 'warm,bright,full,airy', '--xy', '0.25,0.75', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['corners', 'xy', 'strength', 'bands']);
  assert.deepEqual(out.corners, ['warm', 'bright', 'full', 'airy']);
  assert.deepEqual(out.xy, [0.25, 0.75]);
  assert.equal(out.bands.length, 5);
});

test('the pad\'s bottom-right corner is the fader at bright: decode --corners at 1,0 equals decode warm bright at alpha 1', async () => {
  const pad = JSON.parse((await eqmorph('decode', '--corners', 'warm,bright,full,airy', '--xy', '1,0', '--json')).stdout);
  const fader = JSON.parse((await eqmorph('decode', 'warm', 'bright', '--alpha', '1', '--json')).stdout);
  const byFreq = (bands: { freq: number }[]) => bands.slice().sort((a, b) => a.freq - b.freq);
  assert.deepEqual(byFreq(pad.bands), byFreq(fader.bands));
});

test('decode --grid N gives N×N points covering the pad, corners included', async () => {
  const out = JSON.parse((await eqmorph('decode', '--corners', 'warm,bright,full,airy', '--grid', '3', '--json')).stdout);
  assert.equal(out.points.length, 9);
  assert.deepEqual(
    out.points.map((p: { x: number; y: number }) => [p.x, p.y]),
    [0, 0.5, 1].flatMap((y) => [0, 0.5, 1].map((x) => [x, y])),
  );
});

test('bad pad input exits 2 with one sentence: an unknown corner names the closest words, a point outside 0..1 is refused', async () => {
  const unknown = await eqmorph('decode', '--corners', 'warm,brite,full,airy', '--xy', '0.5,0.5');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown term "brite"; closest known terms: bright/);
  const outside = await eqmorph('decode', '--corners', 'warm,bright,full,airy', '--xy', '1.5,0.5');
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /--xy must be a number in 0\.\.1/);
  const three = await eqmorph('decode', '--corners', 'warm,bright,full', '--xy', '0.5,0.5');
  assert.equal(three.code, 2);
  assert.match(three.stderr, /four terms/);
});

test('map --json lists every word with x, y in 0..1, its source and support; --svg draws it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eqmorph-map-'));
  try {
    const r = await eqmorph('map', '--json', '--svg', join(dir, 'map.svg'));
    assert.equal(r.code, 0, r.stderr);
    const points = JSON.parse(r.stdout) as { term: string; x: number; y: number; source: string; count: number }[];
    assert.ok(points.length > 200);
    for (const p of points) {
      assert.deepEqual(Object.keys(p), ['term', 'x', 'y', 'source', 'count']);
      assert.ok(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1);
    }
    const svg = readFileSync(join(dir, 'map.svg'), 'utf8');
    assert.equal((svg.match(/<circle /g) ?? []).length, points.length);
    assert.match(svg, />warm</);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
