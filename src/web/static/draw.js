// Canvas drawing for the page: the EQ's magnitude response on log-frequency/dB axes, and the latent map.

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Sizes the canvas backing store to its CSS box at the screen's pixel density; returns a context in CSS pixels. */
function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

const FREQ_TICKS = [20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000];
const freqLabel = (f) => (f >= 1000 ? `${f / 1000}k` : `${f}`);

/**
 * The response: frequencies and dB values come from the server (the same cookbook math as the rest of eqmorph); this
 * only maps them to pixels. The dB span grows in 6 dB steps if the cascade goes beyond the gain range, never shrinks below it.
 */
export function drawResponse(canvas, freqs, curve, bands, gainRange) {
  const { ctx, width, height } = prepare(canvas);
  const pad = { left: 38, right: 10, top: 10, bottom: 22 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const peak = curve.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const span = Math.max(Math.max(...gainRange.map(Math.abs)) + 3, Math.ceil(peak / 6) * 6);
  const lo = Math.log10(20);
  const hi = Math.log10(20000);
  const x = (f) => pad.left + ((Math.log10(f) - lo) / (hi - lo)) * w;
  const y = (db) => pad.top + ((span - db) / (2 * span)) * h;

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = css('--line');
  ctx.fillStyle = css('--muted');
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const f of FREQ_TICKS) {
    ctx.beginPath();
    ctx.moveTo(x(f), pad.top);
    ctx.lineTo(x(f), pad.top + h);
    ctx.stroke();
    ctx.fillText(freqLabel(f), Math.min(Math.max(x(f), pad.left + 8), width - 12), pad.top + h + 5);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const step = span > 18 ? 6 : 3;
  for (let db = -Math.floor(span / step) * step; db <= span; db += step) {
    ctx.strokeStyle = db === 0 ? css('--muted') : css('--line');
    ctx.beginPath();
    ctx.moveTo(pad.left, y(db));
    ctx.lineTo(pad.left + w, y(db));
    ctx.stroke();
    ctx.fillText(`${db > 0 ? '+' : ''}${db}`, pad.left - 6, y(db));
  }

  // The area between 0 dB and the curve, faint, so boosts and cuts read at a glance.
  const colour = css('--curve');
  ctx.beginPath();
  ctx.moveTo(x(freqs[0]), y(0));
  freqs.forEach((f, i) => ctx.lineTo(x(f), y(curve[i])));
  ctx.lineTo(x(freqs[freqs.length - 1]), y(0));
  ctx.closePath();
  ctx.fillStyle = colour + '22';
  ctx.fill();
  ctx.beginPath();
  freqs.forEach((f, i) => (i === 0 ? ctx.moveTo(x(f), y(curve[i])) : ctx.lineTo(x(f), y(curve[i]))));
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2.5;
  ctx.lineJoin = 'round';
  ctx.stroke();

  // Each band as a numbered handle at its frequency and gain.
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = 'bold 10px system-ui, sans-serif';
  bands.forEach((b, i) => {
    const bx = x(Math.min(20000, Math.max(20, b.freq)));
    const by = y(b.gain);
    ctx.beginPath();
    ctx.arc(bx, by, 8, 0, 2 * Math.PI);
    ctx.fillStyle = css('--panel');
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = colour;
    ctx.stroke();
    ctx.fillStyle = css('--text');
    ctx.fillText(String(i + 1), bx, by + 0.5);
  });
}

/** The latent map: every term's centroid, the A→B path, and where the morph is now. */
export function drawMap(canvas, points, view) {
  const { ctx, width, height } = prepare(canvas);
  // One scale for both axes: distances on the map keep their meaning. Room on the right for labels.
  const scale = Math.max(10, Math.min(width / 2 - 60, height / 2 - 16));
  const cx = width / 2 - 20;
  const cy = height / 2;
  const px = ([mx, my]) => [cx + mx * scale, cy - my * scale];
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  const muted = css('--muted');
  const placed = [];
  /** Draws a label unless it would overlap one already drawn: a crowded map stays readable, the dots stay. */
  const label = (text, x, y, font, colour, side = 1) => {
    ctx.font = font;
    const w = ctx.measureText(text).width;
    ctx.textAlign = side > 0 ? 'left' : 'right';
    const box = side > 0 ? { x0: x, x1: x + w, y0: y - 7, y1: y + 7 } : { x0: x - w, x1: x, y0: y - 7, y1: y + 7 };
    if (placed.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0)) return;
    placed.push(box);
    ctx.fillStyle = colour;
    ctx.fillText(text, x, y);
  };
  const ends = view ? [[px(view.a), view.termA, css('--a')], [px(view.b), view.termB, css('--b')]] : [];
  // The pair's labels are placed first so they always show, each on the side away from the other end of the path.
  ends.forEach(([p, term, colour], i) => {
    const other = ends[1 - i][0];
    const side = p[0] > other[0] || (p[0] === other[0] && i === 0) ? 1 : -1;
    label(term, p[0] + side * 11, p[1], 'bold 13px system-ui, sans-serif', colour, side);
  });
  for (const p of points) {
    const [x, y] = px([p.x, p.y]);
    ctx.fillStyle = muted;
    ctx.beginPath();
    ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
    ctx.fill();
    if (p.term !== view?.termA && p.term !== view?.termB) label(p.term, x + 5, y, '11px system-ui, sans-serif', muted + 'bb');
  }
  if (!view) return;
  const [a, b] = ends.map((e) => e[0]);
  const now = px(view.point);
  ctx.lineWidth = 2;
  ctx.setLineDash([5, 5]);
  ctx.strokeStyle = css('--text') + '55';
  ctx.beginPath();
  ctx.moveTo(...a);
  ctx.lineTo(...b);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = css('--curve');
  ctx.beginPath();
  ctx.moveTo(...a);
  ctx.lineTo(...now);
  ctx.stroke();
  for (const [p, , colour] of ends) {
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(p[0], p[1], 6, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.fillStyle = css('--curve');
  ctx.shadowColor = css('--curve');
  ctx.shadowBlur = 12;
  ctx.beginPath();
  ctx.arc(now[0], now[1], 7, 0, 2 * Math.PI);
  ctx.fill();
  ctx.shadowBlur = 0;
}
