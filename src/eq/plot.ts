// Renders EQ magnitude responses as a terminal text plot or a standalone SVG document (pure string builders).

/** Log-frequency axis of every plot: the audible range. */
const F_LO = 20;
const F_HI = 20000;
const X_LABELS: readonly [number, string][] = [
  [20, '20'],
  [100, '100'],
  [1000, '1k'],
  [10000, '10k'],
  [20000, '20k'],
];
const SVG_GRID_FREQS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Position of f on the log axis, 0 at 20 Hz and 1 at 20 kHz. */
function logPos(f: number): number {
  return Math.log(f / F_LO) / Math.log(F_HI / F_LO);
}

/**
 * A symmetric dB scale around 0 with "nice" ticks: the smallest tick step from 1, 2, 3, 6, 12, 24, ... for which the
 * data fits in at most 4 ticks either side of 0. Never narrower than +-3 dB, so a flat line does not look like noise.
 */
function niceScale(values: readonly ArrayLike<number>[]): { lo: number; hi: number; step: number } {
  let peak = 3;
  for (const v of values) for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i])) peak = Math.max(peak, Math.abs(v[i]!));
  for (let step = 1; ; step = step < 3 ? step + 1 : step * 2) {
    const hi = step * Math.ceil(peak / step - 1e-9);
    if (hi / step <= 4) return { lo: -hi, hi, step };
  }
}

function ticks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Math.abs(v) < 1e-9 ? 0 : v);
  return out;
}

function dbLabel(v: number): string {
  const s = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return v > 0 ? `+${s}` : s;
}

/** Response value at frequency f by linear interpolation in log frequency; NaN outside the data (nothing to draw). */
function sampleAt(db: ArrayLike<number>, freqs: ArrayLike<number>, f: number): number {
  const n = Math.min(db.length, freqs.length);
  if (n === 0 || f < freqs[0]! || f > freqs[n - 1]!) return NaN;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (freqs[mid]! <= f) lo = mid;
    else hi = mid;
  }
  if (hi === lo || freqs[hi]! === freqs[lo]!) return db[lo]!;
  const t = Math.log(f / freqs[lo]!) / Math.log(freqs[hi]! / freqs[lo]!);
  return db[lo]! + t * (db[hi]! - db[lo]!);
}

export interface TerminalPlotOptions {
  /** Total characters per line, y labels included. */
  readonly width?: number;
  /** Rows of the plot area (axis and labels come on top of that). */
  readonly height?: number;
  readonly title?: string;
  readonly dbRange?: readonly [number, number];
}

/**
 * A text plot: `height` rows of width `width` (y labels, axis, plot area), then an x-axis row and a frequency label
 * row, with an optional title row first. The curve is drawn with '•', vertical runs between neighbouring columns with
 * '│' so steep slopes stay connected, and the 0 dB row with '─'.
 */
export function terminalPlot(responseDb: ArrayLike<number>, freqs: ArrayLike<number>, opts: TerminalPlotOptions = {}): string {
  const width = Math.max(24, Math.floor(opts.width ?? 72));
  const height = Math.max(5, Math.floor(opts.height ?? 16));
  const scale = opts.dbRange ? { lo: opts.dbRange[0], hi: opts.dbRange[1], step: 0 } : niceScale([responseDb]);
  if (!(scale.hi > scale.lo)) throw new RangeError(`empty dB range ${scale.lo}..${scale.hi}`);
  const gutter = 7; // "+12 dB" fits in 6, plus the axis character
  const cols = width - gutter;
  const rowOf = (v: number) => Math.round(((scale.hi - Math.max(scale.lo, Math.min(scale.hi, v))) / (scale.hi - scale.lo)) * (height - 1));

  const cells = Array.from({ length: height }, () => Array<string>(cols).fill(' '));
  const zeroRow = scale.lo <= 0 && scale.hi >= 0 ? rowOf(0) : -1;
  if (zeroRow >= 0) cells[zeroRow]!.fill('─');
  let prev = -1;
  for (let c = 0; c < cols; c++) {
    const f = F_LO * (F_HI / F_LO) ** (c / (cols - 1));
    const v = sampleAt(responseDb, freqs, f);
    if (!Number.isFinite(v)) {
      prev = -1;
      continue;
    }
    const row = rowOf(v);
    if (prev >= 0) for (let r = Math.min(prev, row) + 1; r < Math.max(prev, row); r++) cells[r]![c] = '│';
    cells[row]![c] = '•';
    prev = row;
  }

  // Labels on multiples of the tick step at least two rows apart, so each label sits on (about) its own row.
  const rowsPerDb = (height - 1) / (scale.hi - scale.lo);
  let labelStep = scale.step;
  while (labelStep > 0 && labelStep * rowsPerDb < 2) labelStep += scale.step;
  const labelTicks = labelStep > 0 ? ticks(scale.lo, scale.hi, labelStep) : [scale.lo, 0, scale.hi].filter((v) => v >= scale.lo && v <= scale.hi);
  const labels = new Map<number, string>();
  for (const v of labelTicks) if (!labels.has(rowOf(v))) labels.set(rowOf(v), `${dbLabel(v)} dB`);
  const lines: string[] = [];
  if (opts.title) lines.push(opts.title.slice(0, width));
  cells.forEach((row, r) => {
    const label = labels.get(r) ?? '';
    const axis = r === zeroRow ? '┼' : labels.has(r) ? '┤' : '│';
    lines.push(label.padStart(gutter - 1).slice(-(gutter - 1)) + axis + row.join(''));
  });

  const colOf = (f: number) => Math.round(logPos(f) * (cols - 1));
  const axisRow = Array<string>(cols).fill('─');
  const labelRow = Array<string>(cols).fill(' ');
  // Each label centred under its tick; where neighbours would touch (10k and 20k on a narrow plot), earlier labels
  // give way to the left, so every label is always shown.
  const starts = X_LABELS.map(([f, text]) => Math.max(0, Math.min(cols - text.length, colOf(f) - Math.floor(text.length / 2))));
  for (let k = starts.length - 2; k >= 0; k--) starts[k] = Math.max(0, Math.min(starts[k]!, starts[k + 1]! - X_LABELS[k]![1].length - 1));
  X_LABELS.forEach(([f, text], k) => {
    axisRow[colOf(f)] = '┬';
    for (let i = 0; i < text.length; i++) labelRow[starts[k]! + i] = text[i]!;
  });
  lines.push(' '.repeat(gutter - 1) + '└' + axisRow.join(''));
  lines.push(' '.repeat(gutter) + labelRow.join('').trimEnd());
  return lines.join('\n');
}

export interface SvgCurve {
  readonly label: string;
  readonly db: ArrayLike<number>;
}

export interface SvgPlotOptions {
  readonly width?: number;
  readonly height?: number;
  readonly title?: string;
  readonly dbRange?: readonly [number, number];
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Coordinates with two decimals: plenty for a screen, and keeps the document small. */
function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function freqLabel(f: number): string {
  return f >= 1000 ? `${f / 1000}k` : String(f);
}

/**
 * A standalone SVG document: log-frequency x axis, dB y axis, grid lines, axis labels, one <path> per curve and a
 * legend above the plot. Only curves are drawn as <path> (grid and legend use <line>), so a curve's element is easy to
 * find. Plain elements only (no clip paths, masks or filters), so common converters render it as a browser does.
 */
export function svgPlot(curves: readonly SvgCurve[], freqs: ArrayLike<number>, opts: SvgPlotOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 320;
  const scale = opts.dbRange ? { lo: opts.dbRange[0], hi: opts.dbRange[1], step: 0 } : niceScale(curves.map((c) => c.db));
  if (!(scale.hi > scale.lo)) throw new RangeError(`empty dB range ${scale.lo}..${scale.hi}`);
  const step = scale.step > 0 ? scale.step : niceScale([[scale.lo, scale.hi]]).step;
  // The legend has its own band between the title and the plot, so it never covers a curve.
  const legendH = Math.max(curves.length * 16, 8) + 8;
  const m = { left: 56, right: 16, top: (opts.title ? 34 : 14) + legendH, bottom: 40 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const x = (f: number) => m.left + logPos(f) * plotW;
  const y = (v: number) => m.top + ((scale.hi - v) / (scale.hi - scale.lo)) * plotH;
  // Values beyond the dB range are drawn at its edge: no clip-path, which some converters (ImageMagick's) drop.
  const yIn = (v: number) => y(Math.min(scale.hi, Math.max(scale.lo, v)));

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`);
  if (opts.title) parts.push(`<text x="${num(width / 2)}" y="20" text-anchor="middle" font-size="14">${xmlEscape(opts.title)}</text>`);

  parts.push('<g stroke="#ddd" stroke-width="1">');
  for (const f of SVG_GRID_FREQS) parts.push(`<line x1="${num(x(f))}" y1="${m.top}" x2="${num(x(f))}" y2="${m.top + plotH}"/>`);
  const dbTicks = ticks(scale.lo, scale.hi, step);
  for (const v of dbTicks) {
    const stroke = v === 0 ? ' stroke="#888"' : '';
    parts.push(`<line x1="${m.left}" y1="${num(y(v))}" x2="${m.left + plotW}" y2="${num(y(v))}"${stroke}/>`);
  }
  parts.push('</g>');
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);

  parts.push('<g fill="#333">');
  for (const f of SVG_GRID_FREQS) {
    parts.push(`<text x="${num(x(f))}" y="${m.top + plotH + 15}" text-anchor="middle">${freqLabel(f)}</text>`);
  }
  parts.push(`<text x="${num(m.left + plotW / 2)}" y="${height - 6}" text-anchor="middle">frequency (Hz)</text>`);
  for (const v of dbTicks) parts.push(`<text x="${m.left - 6}" y="${num(y(v) + 4)}" text-anchor="end">${dbLabel(v)}</text>`);
  // Horizontal, above the dB labels: converters disagree on rotated text (ImageMagick mirrors it).
  parts.push(`<text x="4" y="${m.top - 8}">gain (dB)</text>`);
  parts.push('</g>');

  parts.push('<g fill="none" stroke-width="2" stroke-linejoin="round">');
  curves.forEach((curve, k) => {
    const n = Math.min(curve.db.length, freqs.length);
    const pts: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(curve.db[i]) || !(freqs[i]! > 0)) continue;
      pts.push(`${pts.length === 0 ? 'M' : 'L'}${num(x(freqs[i]!))} ${num(yIn(curve.db[i]!))}`);
    }
    parts.push(`<path d="${pts.join(' ') || 'M0 0'}" stroke="${PALETTE[k % PALETTE.length]}"><title>${xmlEscape(curve.label)}</title></path>`);
  });
  parts.push('</g>');

  // Legend above the plot, at its right: one row per curve.
  const lx = m.left + plotW - 180;
  parts.push('<g>');
  curves.forEach((curve, k) => {
    const ly = m.top - legendH + 12 + k * 16;
    parts.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 20}" y2="${ly - 4}" stroke="${PALETTE[k % PALETTE.length]}" stroke-width="2"/>`);
    parts.push(`<text x="${lx + 26}" y="${ly}" fill="#222">${xmlEscape(curve.label)}</text>`);
  });
  parts.push('</g>');
  parts.push('</svg>');
  return parts.join('\n');
}
