import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_GRID } from '../../src/eq/grid.js';
import { svgPlot, terminalPlot } from '../../src/eq/plot.js';
import { responseFromParams } from '../../src/eq/response.js';

const curveArb = fc.array(fc.double({ min: -40, max: 40, noNaN: true }), { minLength: 200, maxLength: 200 });
const chars = (s: string) => [...s].length;

test('a terminal plot has the requested size, frequency labels, dB labels and a marked 0 dB row', () => {
  fc.assert(
    fc.property(curveArb, fc.integer({ min: 24, max: 140 }), fc.integer({ min: 5, max: 40 }), fc.boolean(), (db, width, height, titled) => {
      const out = terminalPlot(db, DEFAULT_GRID, { width, height, title: titled ? 'a title' : undefined });
      const lines = out.split('\n');
      assert.equal(lines.length, height + 2 + (titled ? 1 : 0));
      if (titled) assert.equal(lines.shift(), 'a title');
      const plotRows = lines.slice(0, height);
      const [axis, labels] = lines.slice(height);
      for (const row of [...plotRows, axis!]) assert.equal(chars(row), width);
      assert.ok(chars(labels!) <= width);
      assert.deepEqual(labels!.trim().split(/\s+/), ['20', '100', '1k', '10k', '20k']);
      assert.ok(plotRows.some((r) => /^ *0 dB┼/.test(r)), '0 dB row marked');
      assert.ok(plotRows.filter((r) => / dB[┤┼]/.test(r)).length >= 3, 'at least three dB labels');
      assert.ok(plotRows.some((r) => r.includes('•')), 'the curve is drawn');
    }),
  );
});

test('a flat response is drawn along the 0 dB row; a boost is drawn above it', () => {
  const flat = terminalPlot(new Float64Array(200), DEFAULT_GRID).split('\n');
  const zero = flat.find((r) => r.includes('0 dB┼'))!;
  assert.match(zero, /^ +0 dB┼•+$/);
  const boost = responseFromParams([0, 100, 0, 400, 1, 9, 1000, 1, 0, 5000, 1, 0, 10000]);
  const rows = terminalPlot(boost, DEFAULT_GRID).split('\n');
  const zeroRow = rows.findIndex((r) => r.includes('0 dB┼'));
  const top = rows.findIndex((r) => r.slice(7).includes('•'));
  assert.ok(top < zeroRow - 3, 'the peak is well above 0 dB');
  assert.match(rows.find((r) => r.includes('+9 dB'))!, /\+9 dB┤/);
});

/** Minimal well-formedness check: tags nest and close, attribute values are quoted, text has no raw < or stray &. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  let last = 0;
  for (const m of xml.matchAll(/<[^>]*>/g)) {
    const text = xml.slice(last, m.index);
    assert.ok(!/[<>]/.test(text) && !/&(?!(amp|lt|gt|quot|apos);)/.test(text), `bad text: ${text}`);
    last = m.index! + m[0].length;
    const tag = m[0];
    const name = /^<\/?([A-Za-z][\w:-]*)/.exec(tag)?.[1];
    assert.ok(name, `bad tag ${tag}`);
    const attrs = tag.replace(/^<\/?[\w:-]+/, '').replace(/\/?>$/, '');
    assert.match(attrs, /^(\s+[\w:-]+="[^"<&]*(&(amp|lt|gt|quot|apos);[^"<&]*)*")*\s*$/, `bad attributes in ${tag}`);
    if (tag.startsWith('</')) assert.equal(stack.pop(), name, `mismatched </${name}>`);
    else if (!tag.endsWith('/>')) stack.push(name);
  }
  assert.equal(stack.length, 0, `unclosed: ${stack.join(', ')}`);
  assert.equal(xml.slice(last).trim(), '');
}

test('the SVG is a well-formed standalone document with one path per curve, axis labels and a legend', () => {
  const labelArb = fc.string({ maxLength: 20 });
  fc.assert(
    fc.property(fc.array(fc.tuple(labelArb, curveArb), { maxLength: 6 }), fc.option(labelArb, { nil: undefined }), (curves, title) => {
      const svg = svgPlot(curves.map(([label, db]) => ({ label, db })), DEFAULT_GRID, { title });
      assert.ok(svg.startsWith('<svg'));
      assert.ok(svg.endsWith('</svg>'));
      assert.match(svg, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal(svg.match(/<path\b/g)?.length ?? 0, curves.length);
      assertWellFormed(svg);
      for (const label of ['>20<', '>100<', '>1k<', '>10k<', '>20k<', 'frequency (Hz)', 'gain (dB)', '>0<']) assert.ok(svg.includes(label), label);
    }),
  );
});

test('SVG legend and title text are escaped, and size and dB range options are honoured', () => {
  const db = responseFromParams([3, 100, 0, 400, 1, 0, 1000, 1, 0, 5000, 1, -3, 10000]);
  const svg = svgPlot([{ label: 'warm & <bright>', db }], DEFAULT_GRID, { width: 500, height: 250, title: '"A" & B', dbRange: [-24, 24] });
  assert.ok(svg.includes('warm &amp; &lt;bright&gt;'));
  assert.ok(svg.includes('&quot;A&quot; &amp; B'));
  assert.match(svg, /^<svg[^>]* width="500" height="250"/);
  assert.ok(svg.includes('>+24<') && svg.includes('>-24<'));
  assertWellFormed(svg);
});

test('the SVG uses no clip path, mask, filter or transform, and its legend sits above the plot, never over a curve', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ maxLength: 20 }), curveArb), { minLength: 1, maxLength: 6 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (curves, title) => {
      const svg = svgPlot(curves.map(([label, db]) => ({ label, db })), DEFAULT_GRID, { title });
      assert.doesNotMatch(svg, /clip-path|clipPath|<mask|<filter|transform=/);
      const frame = /<rect x="56" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="none"/.exec(svg)!;
      const top = Number(frame[1]);
      const bottom = top + Number(frame[2]);
      const legend = svg.slice(svg.lastIndexOf('<g>'));
      for (const m of legend.matchAll(/ y1?="([\d.]+)"/g)) assert.ok(Number(m[1]) < top, `legend at y ${m[1]} is above the plot (top ${top})`);
      for (const path of svg.matchAll(/<path d="([^"]+)"/g)) {
        for (const pt of path[1]!.matchAll(/[ML][\d.]+ ([\d.]+)/g)) assert.ok(Number(pt[1]) >= top && Number(pt[1]) <= bottom);
      }
    }),
  );
});

test('the SVG dB scale steps 1, 2, 3, 6, 12 dB: a 20 dB peak gets ticks 6 dB apart up to +24, and each curve is one line from its first point', () => {
  const db = new Float64Array(DEFAULT_GRID.length).map((_, i) => (i === 100 ? 20 : 0));
  const svg = svgPlot([{ label: 'peak', db }], DEFAULT_GRID);
  for (const tick of ['>+24<', '>+18<', '>+6<', '>-24<']) assert.ok(svg.includes(tick), tick);
  assert.ok(!svg.includes('>+20<') && !svg.includes('>+5<'));
  const d = /<path d="([^"]*)"/.exec(svg)![1]!;
  assert.match(d, /^M[-\d.]+ [-\d.]+( L[-\d.]+ [-\d.]+)+$/);
});
