// The page: keeps one socket to eqmorph, draws each state frame, and sends the surface's moves back as commands.

import { drawResponse } from './draw.js';
import { mapAndPad } from './map-pad.js';

const $ = (id) => document.getElementById(id);
const ui = {
  instance: $('instance'),
  link: $('link'),
  pair: $('pair'),
  curve: $('curve'),
  map: $('map'),
  mapNote: $('mapNote'),
  zoomIn: $('zoomIn'),
  zoomOut: $('zoomOut'),
  pad: $('pad'),
  padMode: $('padMode'),
  corners: ['corner1', 'corner2', 'corner3', 'corner4'].map($),
  bands: $('bands'),
  termA: $('termA'),
  termB: $('termB'),
  swap: $('swap'),
  alpha: $('alpha'),
  alphaOut: $('alphaOut'),
  strength: $('strength'),
  strengthOut: $('strengthOut'),
  bypass: $('bypass'),
  transports: $('transports'),
  log: $('log'),
};

const page = { hello: null, frame: null, socket: null, instance: null, strength: 1, dragging: new Set(), sent: new Map() };

// How long a value this page sent wins over state frames that do not carry it yet (frames already on their way).
const ECHO_WAIT_MS = 1000;

/** The token this page was opened with travels on to the socket (the server also set a cookie for it). */
function socketUrl() {
  const token = new URLSearchParams(location.search).get('token');
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = token ? `?token=${encodeURIComponent(token)}` : '';
  return url.href;
}

function connect() {
  const socket = new WebSocket(socketUrl());
  page.socket = socket;
  setLink('connecting', 'connecting…');
  socket.addEventListener('open', () => setLink('open', 'live'));
  socket.addEventListener('message', (e) => receive(JSON.parse(e.data)));
  socket.addEventListener('close', () => {
    setLink('closed', 'disconnected — retrying');
    // eqmorph restarted or the network blinked: try again without hammering it.
    setTimeout(connect, 1000);
  });
}

function setLink(state, text) {
  ui.link.dataset.state = state;
  ui.link.textContent = text;
}

const soundMap = mapAndPad(ui, (control, value) => send(control, value));

function send(control, value) {
  if (page.socket?.readyState !== WebSocket.OPEN || !page.instance) return;
  page.socket.send(JSON.stringify({ type: 'set', instance: page.instance, control, value }));
  page.sent.set(control, { value, at: performance.now() });
}

/**
 * Whether a frame's value for a control the player just moved is older than their move: frames sent before the bridge
 * heard it still carry an earlier value, and drawing it would step the control back (and the next key press from there).
 * The move's own echo, or a second without it, ends the wait.
 */
function staleEcho(control, value) {
  const sent = page.sent.get(control);
  if (!sent) return false;
  if (Math.abs(sent.value - value) < 1e-9 || performance.now() - sent.at > ECHO_WAIT_MS) {
    page.sent.delete(control);
    return false;
  }
  return true;
}

function receive(msg) {
  if (msg.type === 'hello') {
    page.hello = msg;
    fillTerms(msg.terms);
    soundMap.hello(msg);
  } else if (msg.type === 'state') {
    page.frame = msg;
    render();
  } else if (msg.type === 'error') {
    console.warn('eqmorph refused a command:', msg.reason);
  }
}

function fillTerms(terms) {
  for (const select of [ui.termA, ui.termB]) {
    select.replaceChildren(...terms.map((t) => new Option(t, t)));
  }
}

/** A hidden term set by another surface is still shown in the picker. */
function selectTerm(select, term) {
  if (![...select.options].some((o) => o.value === term)) select.add(new Option(term, term));
  select.value = term;
}

function current() {
  const views = page.frame?.instances ?? [];
  const names = views.map((v) => v.name);
  if ([...ui.instance.options].map((o) => o.value).join() !== names.join()) {
    ui.instance.replaceChildren(...names.map((n) => new Option(n, n)));
  }
  if (!names.includes(page.instance)) page.instance = names[0] ?? null;
  ui.instance.value = page.instance ?? '';
  ui.instance.parentElement.hidden = names.length < 2;
  return views.find((v) => v.name === page.instance) ?? null;
}

function render() {
  const view = current();
  if (!view || !page.hello) return;
  drawResponse(ui.curve, page.hello.freqs, view.curve, view.bands, page.hello.gainRange);
  ui.curve.dataset.alpha = String(view.alpha);
  soundMap.render(view);
  const heard = view.mode === 'xy' ? `pad ${view.corners.join(' · ')}` : view.mode === 'map' ? 'sound map' : `${view.termA} → ${view.termB}`;
  ui.pair.textContent = `${heard}${view.bypass ? ' · bypassed' : ''}`;
  renderBands(view.bands);
  // A control the player is holding is not moved under their hand by the echo of their own move.
  if (!page.dragging.has('alpha') && !staleEcho('alpha', view.alpha)) {
    ui.alpha.value = String(view.alpha);
    ui.alphaOut.textContent = view.alpha.toFixed(2);
  }
  if (!page.dragging.has('strength') && !staleEcho('strength', view.strength)) setKnob(view.strength);
  if (document.activeElement !== ui.termA) selectTerm(ui.termA, view.termA);
  if (document.activeElement !== ui.termB) selectTerm(ui.termB, view.termB);
  ui.bypass.checked = view.bypass;
  renderTransports(page.frame.transports);
  renderLog(page.frame.log);
}

const fmt = {
  gain: (v) => `${v > 0 ? '+' : ''}${v.toFixed(1)}`,
  freq: (v) => (v >= 1000 ? `${(v / 1000).toFixed(2)}k` : v.toFixed(0)),
  q: (v) => v.toFixed(2),
};

function renderBands(bands) {
  for (const row of ui.bands.tBodies[0].rows) {
    const param = row.dataset.param;
    bands.forEach((b, i) => (row.cells[i + 1].textContent = fmt[param](b[param])));
  }
}

function renderTransports(list) {
  ui.transports.replaceChildren(
    ...list.map((t) => {
      const li = document.createElement('li');
      li.dataset.state = t.state;
      li.title = `${t.state}${t.detail ? ': ' + t.detail : ''} · in ${t.counters.in}, out ${t.counters.out}, dropped ${t.counters.dropped}, errors ${t.counters.errors}`;
      const desk = t.counters.deskEdits !== undefined ? ` · ${t.counters.deskEdits} desk edit${t.counters.deskEdits === 1 ? '' : 's'}` : '';
      const rate = t.role === 'in' ? `${t.inRate.toFixed(1)} msg/s in` : `${t.outRate.toFixed(1)} msg/s out${desk}`;
      // Cut with an ellipsis on a narrow screen: the whole text is the span's tooltip.
      const endpoint = el('span', 'endpoint', `${t.kind.toUpperCase()} · ${t.endpoint} · ${t.state}`);
      endpoint.title = endpoint.textContent;
      li.append(el('span', 'dot'), el('strong', '', `${t.role} ${t.name}`), endpoint, el('span', 'rate', rate));
      if (t.detail) li.append(el('span', 'detail', t.detail));
      return li;
    }),
  );
}

function renderLog(lines) {
  const atBottom = ui.log.scrollTop + ui.log.clientHeight >= ui.log.scrollHeight - 4;
  ui.log.replaceChildren(
    ...lines.map((l) => {
      const li = el('li', l.level);
      li.append(`${new Date(l.time).toLocaleTimeString([], { hour12: false })} `, el('span', '', l.text));
      li.title = li.textContent;
      return li;
    }),
  );
  if (atBottom) ui.log.scrollTop = ui.log.scrollHeight;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The knob shows 0..1 over a 270° sweep. */
function setKnob(v) {
  page.strength = v;
  ui.strength.setAttribute('aria-valuenow', v.toFixed(3));
  ui.strength.querySelector('.value').style.strokeDasharray = `${v * 100} 100`;
  ui.strength.querySelector('.pointer').style.transform = `rotate(${-135 + 270 * v}deg)`;
  ui.strengthOut.textContent = v.toFixed(2);
}

function moveKnob(v) {
  const clamped = Math.min(1, Math.max(0, v));
  setKnob(clamped);
  send('strength', clamped);
}

// Alpha: a plain range input, so it works with mouse, touch and keyboard alike.
ui.alpha.addEventListener('pointerdown', () => page.dragging.add('alpha'));
window.addEventListener('pointerup', () => page.dragging.delete('alpha'));
ui.alpha.addEventListener('input', () => {
  ui.alphaOut.textContent = Number(ui.alpha.value).toFixed(2);
  send('alpha', Number(ui.alpha.value));
});
// Keys move by steps a listener hears: 0.01, 0.1 with Shift (the range's own 0.001 step is for dragging).
const KEY_STEPS = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };
const keyStep = (e) => (KEY_STEPS[e.key] === undefined ? undefined : KEY_STEPS[e.key] * (e.shiftKey ? 0.1 : 0.01));
ui.alpha.addEventListener('keydown', (e) => {
  const step = keyStep(e);
  if (step === undefined) return;
  e.preventDefault();
  const v = Math.min(1, Math.max(0, Math.round((Number(ui.alpha.value) + step) * 1000) / 1000));
  ui.alpha.value = String(v);
  ui.alphaOut.textContent = v.toFixed(2);
  send('alpha', v);
});

// Strength: drag up/down (200 px for the whole range), the wheel, or arrow keys.
ui.strength.addEventListener('pointerdown', (e) => {
  page.dragging.add('strength');
  ui.strength.setPointerCapture(e.pointerId);
  const start = { y: e.clientY, v: page.strength };
  const move = (m) => moveKnob(start.v + (start.y - m.clientY) / 200);
  const up = () => {
    page.dragging.delete('strength');
    ui.strength.removeEventListener('pointermove', move);
    ui.strength.removeEventListener('pointerup', up);
  };
  ui.strength.addEventListener('pointermove', move);
  ui.strength.addEventListener('pointerup', up);
});
ui.strength.addEventListener('wheel', (e) => {
  e.preventDefault();
  moveKnob(page.strength - Math.sign(e.deltaY) * 0.02);
});
ui.strength.addEventListener('keydown', (e) => {
  const step = keyStep(e);
  if (step === undefined) return;
  e.preventDefault();
  moveKnob(Math.round((page.strength + step) * 1000) / 1000);
});

ui.termA.addEventListener('change', () => send('termA', ui.termA.value));
ui.termB.addEventListener('change', () => send('termB', ui.termB.value));
ui.swap.addEventListener('click', () => {
  const a = ui.termA.value;
  send('termA', ui.termB.value);
  send('termB', a);
});
ui.bypass.addEventListener('change', () => send('bypass', ui.bypass.checked));
ui.instance.addEventListener('change', () => {
  page.instance = ui.instance.value;
  render();
});
// Canvases are sized in CSS pixels: redraw when the window changes.
window.addEventListener('resize', () => render());

connect();
