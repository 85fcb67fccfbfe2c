// Canvas drawing for the page: the EQ's magnitude response on log-frequency/dB axes, the sound map and the XY pad.

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

/** Whether two label boxes {x, y, w, h} overlap. */
const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * The sound map: every word a dot; labels placed greedily, the words being played first, then by support, each only
 * where it overlaps no label already placed (so zooming in names more words); the path and the point being played.
 * Returns the label boxes drawn, in CSS pixels.
 */
export function drawSoundMap(canvas, points, view, toPx, trail) {
  const { ctx, width, height } = prepare(canvas);
  const muted = css('--muted');
  const placed = [];
  const label = (text, [x, y], font, colour) => {
    ctx.font = font;
    const w = ctx.measureText(text).width;
    const h = 14;
    const options = [
      { x: x + 6, y: y - h / 2 },
      { x: x - 6 - w, y: y - h / 2 },
      { x: x - w / 2, y: y - 6 - h },
      { x: x - w / 2, y: y + 6 },
    ].map((o) => ({ term: text, x: o.x, y: o.y, w, h }));
    const box = options.find((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= height && !placed.some((p) => overlaps(p, b)));
    if (!box) return;
    placed.push(box);
    ctx.fillStyle = colour;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, box.x, box.y + h / 2);
  };
  for (const p of points) {
    const [x, y] = toPx([p.x, p.y]);
    if (x < -4 || y < -4 || x > width + 4 || y > height + 4) continue;
    ctx.fillStyle = muted;
    ctx.beginPath();
    ctx.arc(x, y, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  // The words being played: the pair's ends, or the pad's corners.
  const words = !view ? [] : view.mode === 'xy' ? view.corners.map((t, i) => [t, view.cornerPoints[i], css('--a')]) : view.mode === 'pair' ? [[view.termA, view.a, css('--a')], [view.termB, view.b, css('--b')]] : [];
  for (const [term, at, colour] of words) label(term, toPx(at), 'bold 13px system-ui, sans-serif', colour);
  const shown = new Set(words.map((w) => w[0]));
  const byRank = points.filter((p) => !shown.has(p.term)).sort((a, b) => b.count - a.count || (a.term < b.term ? -1 : 1));
  for (const p of byRank) {
    const at = toPx([p.x, p.y]);
    if (at[0] >= 0 && at[1] >= 0 && at[0] <= width && at[1] <= height) label(p.term, at, '11px system-ui, sans-serif', muted + 'dd');
  }
  if (!view) return placed;
  const now = toPx(view.point);
  ctx.lineWidth = 2;
  ctx.strokeStyle = css('--text') + '55';
  ctx.setLineDash([5, 5]);
  ctx.beginPath();
  if (view.mode === 'pair') {
    ctx.moveTo(...toPx(view.a));
    ctx.lineTo(...toPx(view.b));
  } else if (view.mode === 'xy') {
    const [c1, c2, c3, c4] = view.cornerPoints.map(toPx);
    ctx.moveTo(...c1);
    ctx.lineTo(...c2);
    ctx.lineTo(...c4);
    ctx.lineTo(...c3);
    ctx.closePath();
  }
  ctx.stroke();
  ctx.setLineDash([]);
  if (view.mode === 'map' && trail.length > 1) {
    ctx.strokeStyle = css('--curve') + '99';
    ctx.beginPath();
    trail.forEach((p, i) => (i === 0 ? ctx.moveTo(...toPx(p)) : ctx.lineTo(...toPx(p))));
    ctx.stroke();
  } else if (view.mode === 'pair') {
    ctx.strokeStyle = css('--curve');
    ctx.beginPath();
    ctx.moveTo(...toPx(view.a));
    ctx.lineTo(...now);
    ctx.stroke();
  }
  ctx.fillStyle = css('--curve');
  ctx.shadowColor = css('--curve');
  ctx.shadowBlur = 12;
  ctx.beginPath();
  ctx.arc(now[0], now[1], 7, 0, 2 * Math.PI);
  ctx.fill();
  ctx.shadowBlur = 0;
  return placed;
}

/** The XY pad: a square with its point; dimmed while another control is heard. */
export function drawPad(canvas, view) {
  const { ctx, width, height } = prepare(canvas);
  ctx.strokeStyle = css('--line');
  ctx.lineWidth = 1;
  for (let i = 1; i < 4; i++) {
    ctx.beginPath();
    ctx.moveTo((width * i) / 4, 0);
    ctx.lineTo((width * i) / 4, height);
    ctx.moveTo(0, (height * i) / 4);
    ctx.lineTo(width, (height * i) / 4);
    ctx.stroke();
  }
  const x = view.x * width;
  const y = (1 - view.y) * height;
  const colour = view.mode === 'xy' ? css('--curve') : css('--muted');
  ctx.strokeStyle = colour + '66';
  ctx.beginPath();
  ctx.moveTo(x, 0);
  ctx.lineTo(x, height);
  ctx.moveTo(0, y);
  ctx.lineTo(width, y);
  ctx.stroke();
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.arc(x, y, 9, 0, 2 * Math.PI);
  ctx.fill();
}
