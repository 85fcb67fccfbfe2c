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

// Small pictures checked by hand: 33 plot columns from 20 Hz to 20 kHz (log), rows spread evenly over the dB scale.
test('a terminal plot interpolates in log frequency: a ramp from -12 dB at 20 Hz to +12 dB at 20 kHz is a straight diagonal on a +-12 dB scale', () => {
  assert.deepEqual(terminalPlot([-12, 12], [20, 20000], { width: 40, height: 9 }).split('\n'), [
    '+12 dB┤                               ••',
    '      │                           ••••  ',
    ' +6 dB┤                       ••••      ',
    '      │                   ••••          ',
    '  0 dB┼───────────────••••──────────────',
    '      │           ••••                  ',
    ' -6 dB┤       ••••                      ',
    '      │   ••••                          ',
    '-12 dB┤•••                              ',
    '      └┬──────┬──────────┬──────────┬──┬',
    '       20    100        1k       10k 20k',
  ]);
});

test('a terminal plot draws nothing outside its data, joins a jump with a vertical run, and labels every second row at most', () => {
  // data from 100 Hz to 10 kHz, a 9 dB step at 1 kHz: the scale is +-9 dB in 3 dB steps, labelled every 6 dB
  assert.deepEqual(terminalPlot([0, 0, 9, 9], [100, 999, 1000, 10000], { width: 40, height: 9 }).split('\n'), [
    '      │                   ••••••••••    ',
    ' +6 dB┤                   │             ',
    '      │                   │             ',
    '      │                   │             ',
    '  0 dB┼────────•••••••••••──────────────',
    '      │                                 ',
    '      │                                 ',
    ' -6 dB┤                                 ',
    '      │                                 ',
    '      └┬──────┬──────────┬──────────┬──┬',
    '       20    100        1k       10k 20k',
  ]);
});

test('a terminal plot on a given dB range clips the curve to its edges, and marks 0 dB only where the range holds it', () => {
  assert.deepEqual(terminalPlot([20, 20, -20, -20], [100, 999, 1000, 10000], { width: 30, height: 5, dbRange: [-6, 6] }).split('\n'), [
    ' +6 dB┤      •••••••          ',
    '      │             │         ',
    '  0 dB┼─────────────│─────────',
    '      │             │         ',
    ' -6 dB┤             •••••••   ',
    '      └┬────┬──────┬───────┬─┬',
    '       20  100    1k   10k 20k',
  ]);
  const above = terminalPlot([5, 5], [20, 20000], { width: 30, height: 5, dbRange: [3, 15] }).split('\n');
  assert.deepEqual(above.slice(0, 5), ['+15 dB┤                       ', '      │                       ', '      │                       ', '      │•••••••••••••••••••••••', ' +3 dB┤                       ']);
  const fromZero = terminalPlot([5, 5], [20, 20000], { width: 30, height: 5, dbRange: [0, 12] }).split('\n');
  assert.match(fromZero[4]!, /^ {2}0 dB┼─+$/);
  const below = terminalPlot([-5, -5], [20, 20000], { width: 30, height: 5, dbRange: [-15, -3] }).split('\n');
  assert.deepEqual([below[0]!.slice(0, 7), below[4]!.slice(0, 7)], [' -3 dB┤', '-15 dB┤']);
  assert.ok(!below.some((r) => r.includes('┼')));
  assert.throws(() => terminalPlot([0, 0], [20, 20000], { dbRange: [3, 3] }), /^RangeError: empty dB range 3\.\.3$/);
  assert.throws(() => svgPlot([], [20, 20000], { dbRange: [3, -3] }), /^RangeError: empty dB range 3\.\.-3$/);
});

test('the dB scale is never narrower than +-3 dB and ends on the peak when the peak is a whole number of steps', () => {
  const topLabel = (db: number[]) => terminalPlot(db, [20, 20000], { height: 13 }).split('\n')[0]!.slice(0, 6).trim();
  assert.equal(topLabel([0, 0]), '+3 dB');
  assert.equal(topLabel([0.5, -1]), '+3 dB');
  assert.equal(topLabel([12, -2]), '+12 dB'); // 12 is four 3 dB steps: no step more
  assert.equal(topLabel([4, 0]), '+4 dB'); // four 1 dB steps
  assert.equal(topLabel([12.5, 0]), '+18 dB'); // past 12: 3 dB steps would need five, so 6 dB steps
});

test('SVG geometry: a log-frequency axis across the frame, a linear dB axis with its 0 dB line darker, points where their values are', () => {
  // 720 x 320, two legend rows: the frame runs x 56..704 and y 54..280, so 0 dB is at y 167 on a +-12 dB scale
  const svg = svgPlot([{ label: 'ramp', db: [-12, NaN, 12, 5] }, { label: 'flat', db: [0, 0, 0] }], [20, 632.46, 20000, 0]);
  assert.match(svg, /<rect x="56" y="54" width="648" height="226" fill="none"/);
  const gridX = [...svg.matchAll(/<line x1="([\d.]+)" y1="54" x2="\1" y2="280"\/>/g)].map((m) => Number(m[1]));
  const expected = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000].map((f) => 56 + (648 * Math.log(f / 20)) / Math.log(1000));
  assert.equal(gridX.length, expected.length);
  gridX.forEach((x, k) => assert.ok(Math.abs(x - expected[k]!) < 0.01, `grid line ${k} at ${x}`));
  const labelsX = [...svg.matchAll(/<text x="([\d.]+)" y="295" text-anchor="middle">/g)].map((m) => Number(m[1]));
  assert.deepEqual(labelsX, gridX, 'each frequency label under its grid line, 15 px below the frame');
  const dbLines = [...svg.matchAll(/<line x1="56" y1="([\d.]+)" x2="704" y2="\1"( stroke="#888")?\/>/g)];
  assert.deepEqual(dbLines.map((m) => Number(m[1])), [280, 251.75, 223.5, 195.25, 167, 138.75, 110.5, 82.25, 54]);
  assert.deepEqual(dbLines.map((m) => m[2] !== undefined), [false, false, false, false, true, false, false, false, false], 'only 0 dB is darker');
  // the NaN point and the point at 0 Hz are left out; the rest are at their frequency and value
  assert.match(svg, /<path d="M56 280 L704 54" stroke="#1f77b4"><title>ramp<\/title><\/path>/);
  assert.match(svg, /<path d="M56 167 L380 167 L704 167" stroke="#d62728"><title>flat<\/title><\/path>/);
});

test('a response of one point is drawn where it is: one dot in the first column for a point at 20 Hz', () => {
  const rows = terminalPlot([6], [20], { width: 30, height: 5 }).split('\n');
  assert.equal(rows[0], ` +6 dB┤•${' '.repeat(22)}`);
  assert.equal(rows.join('').split('•').length, 2, 'one dot');
});

test('each SVG curve gets its own colour from a palette of eight, and the ninth curve starts it again', () => {
  const svg = svgPlot(Array.from({ length: 9 }, (_, k) => ({ label: `c${k}`, db: [0, k] })), [20, 20000]);
  const colours = [...svg.matchAll(/<path d="[^"]*" stroke="([^"]*)">/g)].map((m) => m[1]!);
  assert.equal(colours.length, 9);
  colours.forEach((c) => assert.match(c, /^#[0-9a-f]{6}$/));
  assert.equal(new Set(colours.slice(0, 8)).size, 8);
  assert.equal(colours[8], colours[0]);
});

test('the SVG legend: one row per curve, 16 px apart, at the plot right, each line in its curve colour beside its label', () => {
  const curves = ['a', 'b', 'c'].map((label) => ({ label, db: [0, 1] }));
  const svg = svgPlot(curves, [20, 20000], { width: 600, title: 't' });
  assert.match(svg, /<text x="300" y="20" text-anchor="middle" font-size="14">t<\/text>/, 'the title centred above');
  const rows = [...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="\2" stroke="(#\w+)" stroke-width="2"\/>\n<text x="([\d.]+)" y="([\d.]+)" fill="#222">(\w)<\/text>/g)];
  assert.equal(rows.length, 3);
  const colours = [...svg.matchAll(/<path d="[^"]*" stroke="(#\w+)">/g)].map((m) => m[1]);
  rows.forEach((m, k) => {
    const [x1, y1, x2, colour, tx, ty, label] = [Number(m[1]), Number(m[2]), Number(m[3]), m[4], Number(m[5]), Number(m[6]), m[7]];
    assert.equal(label, curves[k]!.label);
    assert.equal(colour, colours[k]);
    assert.equal(x1, 600 - 16 - 180);
    assert.equal(x2 - x1, 20);
    assert.equal(tx, x2 + 6);
    assert.equal(ty, y1 + 4);
    if (k > 0) assert.equal(y1 - Number(rows[k - 1]![2]), 16);
  });
});
