// The sound map and the XY pad on the page: drawing, zoom, hover names, and click/drag to play through the bindings.

import { drawPad, drawSoundMap } from './draw.js';

const ZOOM_MAX = 8;
/** Recent map points, drawn as the path the player took across the map. */
const TRAIL = 60;

const clamp01 = (v) => Math.min(1, Math.max(0, v));

/**
 * Wires the map canvas, the pad canvas and the four corner pickers. `send(control, value)` is the page's one way to
 * eqmorph: the map sends `map` [x, y], the pad `xy` [x, y], a picker `cornerN` a word, as hardware would.
 */
export function mapAndPad(ui, send) {
  const st = { points: [], view: null, zoom: 1, centre: [0.5, 0.5], trail: [], held: null };

  /** Map coordinates (0..1, y up) to canvas pixels and back, for the current zoom. */
  const frame = () => {
    const { width, height } = ui.map.getBoundingClientRect();
    const scale = Math.min(width, height) * 0.94 * st.zoom;
    const toPx = ([mx, my]) => [width / 2 + (mx - st.centre[0]) * scale, height / 2 - (my - st.centre[1]) * scale];
    const toMap = (px, py) => [st.centre[0] + (px - width / 2) / scale, st.centre[1] - (py - height / 2) / scale];
    return { toPx, toMap };
  };

  const draw = () => {
    const boxes = drawSoundMap(ui.map, st.points, st.view, frame().toPx, st.trail);
    // The labels drawn, for tests and for anyone checking that none overlap.
    ui.map.dataset.labels = JSON.stringify(boxes);
    if (st.view) drawPad(ui.pad, st.view);
  };

  const local = (canvas, e) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };

  // The map: press and drag to play; the wheel zooms around the pointer; hovering names the nearest word.
  const playMap = (e) => {
    const [mx, my] = frame().toMap(...local(ui.map, e));
    send('map', [clamp01(mx), clamp01(my)]);
  };
  ui.map.addEventListener('pointerdown', (e) => {
    st.held = 'map';
    ui.map.setPointerCapture(e.pointerId);
    playMap(e);
  });
  ui.map.addEventListener('pointermove', (e) => {
    if (st.held === 'map') return playMap(e);
    const [px, py] = local(ui.map, e);
    const { toPx } = frame();
    let best = null;
    for (const p of st.points) {
      const [x, y] = toPx([p.x, p.y]);
      const d = Math.hypot(x - px, y - py);
      if (d < 8 && (!best || d < best.d)) best = { d, p };
    }
    ui.map.title = best ? `${best.p.term} (${best.p.count} ${best.p.count === 1 ? 'vote' : 'votes'})` : '';
  });
  ui.map.addEventListener('pointerup', () => (st.held = null));
  ui.map.addEventListener('wheel', (e) => {
    e.preventDefault();
    const [px, py] = local(ui.map, e);
    const before = frame().toMap(px, py);
    st.zoom = Math.min(ZOOM_MAX, Math.max(1, st.zoom * (e.deltaY < 0 ? 1.25 : 0.8)));
    const after = frame().toMap(px, py);
    // The point under the pointer stays under it.
    st.centre = st.zoom === 1 ? [0.5, 0.5] : [st.centre[0] + before[0] - after[0], st.centre[1] + before[1] - after[1]];
    draw();
  });
  const zoomBy = (f) => {
    st.zoom = Math.min(ZOOM_MAX, Math.max(1, st.zoom * f));
    st.centre = st.zoom === 1 ? [0.5, 0.5] : st.view ? [...st.view.point] : st.centre;
    draw();
  };
  ui.zoomIn.addEventListener('click', () => zoomBy(1.5));
  ui.zoomOut.addEventListener('click', () => zoomBy(1 / 1.5));

  // The pad: press and drag to play; arrow keys step 0.01 (PageUp/PageDown 0.1).
  const playPad = (e) => {
    const r = ui.pad.getBoundingClientRect();
    const [px, py] = local(ui.pad, e);
    send('xy', [clamp01(px / r.width), clamp01(1 - py / r.height)]);
  };
  ui.pad.addEventListener('pointerdown', (e) => {
    st.held = 'pad';
    ui.pad.setPointerCapture(e.pointerId);
    playPad(e);
  });
  ui.pad.addEventListener('pointermove', (e) => st.held === 'pad' && playPad(e));
  ui.pad.addEventListener('pointerup', () => (st.held = null));
  ui.pad.addEventListener('keydown', (e) => {
    const step = { ArrowUp: [0, 0.01], ArrowDown: [0, -0.01], ArrowRight: [0.01, 0], ArrowLeft: [-0.01, 0], PageUp: [0, 0.1], PageDown: [0, -0.1] }[e.key];
    if (!step || !st.view) return;
    e.preventDefault();
    send('xy', [clamp01(st.view.x + step[0]), clamp01(st.view.y + step[1])]);
  });
  ui.corners.forEach((select, i) => select.addEventListener('change', () => send(`corner${i + 1}`, select.value)));

  return {
    hello(msg) {
      st.points = msg.map.points;
      ui.mapNote.textContent = `distance is difference in sound (Spearman ρ ${msg.map.spearman.toFixed(2)}) · dark ← → bright, ↑ more mids · drag to play, wheel to zoom`;
      for (const select of ui.corners) select.replaceChildren(...msg.terms.map((t) => new Option(t, t)));
    },
    render(view) {
      st.view = view;
      if (view.mode === 'map') {
        const last = st.trail.at(-1);
        if (!last || last[0] !== view.point[0] || last[1] !== view.point[1]) st.trail = [...st.trail.slice(1 - TRAIL), view.point];
      } else st.trail = [];
      ui.corners.forEach((select, i) => {
        if (document.activeElement === select) return;
        const term = view.corners[i];
        if (![...select.options].some((o) => o.value === term)) select.add(new Option(term, term));
        select.value = term;
      });
      ui.padMode.textContent = view.mode === 'xy' ? `playing · x ${view.x.toFixed(2)}, y ${view.y.toFixed(2)}` : 'touch to play';
      ui.pad.dataset.mode = view.mode;
      draw();
    },
    redraw: draw,
  };
}
