import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBridge } from '../../src/pipeline/bridge.js';
import { DEFAULT_MAPPING } from '../../src/cli/run.js';
import { loadMapping } from '../../src/profiles/load.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import type { OscInMessage, OscOutMessage } from '../../src/transports/osc-udp.js';
import type { MorphDecoder } from '../../src/morph/morph-state.js';
import type { EqSettings } from '../../src/eq/bands.js';

// A decoder whose tables are never ready: every frame is a first answer, which the bridge lets through one turn at a time.
function building(ready: boolean, settled?: MorphDecoder['settled'], provisional?: (alpha: number) => boolean) {
  const calls: number[] = [];
  const types = ['lowshelf', 'peaking', 'peaking', 'peaking', 'highshelf'] as const;
  const bands = (gain: number) => types.map((type, i) => ({ type, gain: gain * (i + 1), freq: 100 * 4 ** i, q: 0.71 })) as unknown as EqSettings;
  const decoder: MorphDecoder = {
    terms: ['warm', 'bright'],
    hasTerm: (t) => t === 'warm' || t === 'bright',
    ready: () => ready,
    ...(settled ? { settled } : {}),
    // A provisional answer is told apart by its sign: the decode's gains are alpha times the band's number, these minus that.
    ...(provisional ? { provisional: (_a: string, _b: string, alpha: number) => (provisional(alpha) ? bands(-alpha) : undefined) } : {}),
    decode: (_a, _b, alpha) => {
      calls.push(alpha);
      return bands(alpha);
    },
  };
  return { decoder, calls };
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

/** The default mapping over in-memory links: what its output received (addresses), and how to move its alpha. */
async function start(ready: boolean, startSnapshot?: boolean, settled?: MorphDecoder['settled'], movePatienceMs = Infinity, provisional?: (alpha: number) => boolean) {
  const mapping = await loadMapping(DEFAULT_MAPPING);
  const input = createMemoryLink<OscInMessage, OscOutMessage>({ a: 'surface-device', b: 'surface' });
  const output = createMemoryLink<OscOutMessage, OscInMessage>({ a: 'eq', b: 'eq-device' });
  await Promise.all([input.a.open(), input.b.open(), output.a.open(), output.b.open()]);
  const received: string[] = [];
  /** The newest value sent per address. */
  const values = new Map<string, unknown>();
  output.b.messages$.subscribe((m) => {
    received.push(m.address);
    values.set(m.address, m.args?.[0]);
  });
  const { decoder, calls } = building(ready, settled, provisional);
  const bridge = startBridge({ mapping, decoder, oscInputs: new Map([['surface', input.b]]), oscOutputs: new Map([['eq', output.a]]), startSnapshot, movePatienceMs });
  const move = (alpha: number) => input.a.send({ address: '/eqmorph/alpha', args: [alpha], types: 'f', from: { address: '127.0.0.1', port: 1 }, time: 0 });
  const pick = (termA: string) => input.a.send({ address: '/eqmorph/termA', args: [termA], types: 's', from: { address: '127.0.0.1', port: 1 }, time: 0 });
  return { bridge, received, values, calls, move, pick };
}

async function startSnapshot(ready: boolean) {
  const { bridge, received, calls } = await start(ready);
  await turns(5);
  bridge.stop();
  return { received, calls };
}

test('a channel whose table is still building sends its start snapshot once, from one first answer', async () => {
  const { received, calls } = await startSnapshot(false);
  assert.equal(calls.length, 1);
  assert.equal(received.length, 15);
  assert.equal(new Set(received).size, 15);
});

test('a channel whose table is ready sends the same start snapshot', async () => {
  const built = await startSnapshot(true);
  const building = await startSnapshot(false);
  assert.deepEqual(building.received, built.received);
});

test('a bridge started without a start snapshot sends nothing until a control moves', async () => {
  const { bridge, received, move } = await start(true, false);
  await turns(3);
  assert.equal(received.length, 0);
  move(0.5);
  await turns(3);
  assert.equal(received.length, 15);
  bridge.stop();
});

/** A first answer a worker is making: `made` resolves once `settle` is called, and `done` says whether it has. */
function workerAnswer() {
  let settle!: () => void;
  let done = false;
  const made = new Promise<void>((r) => (settle = r)).then(() => void (done = true));
  return { made, settle: () => settle(), done: () => done };
}

test('a start whose first answer a worker is making waits for it, decoding nothing meanwhile, then goes out once', async () => {
  const { made, settle, done } = workerAnswer();
  const asked: number[] = [];
  const { bridge, received, calls } = await start(false, undefined, (_a, _b, alpha) => (asked.push(alpha), done() ? undefined : made));
  await turns(5);
  assert.deepEqual([...new Set(asked)], [0]);
  assert.equal(calls.length, 0);
  assert.equal(received.length, 0);
  settle();
  await turns(5);
  assert.deepEqual(calls, [0]);
  assert.equal(received.length, 15);
  bridge.stop();
});

test('a move whose first answer a worker is making waits for it too, and the newest position goes out', async () => {
  const { made, settle, done } = workerAnswer();
  const { bridge, received, calls, move } = await start(false, false, (_a, _b, alpha) => (alpha === 1 && !done() ? made : undefined));
  move(1);
  await turns(5);
  assert.equal(calls.length, 0);
  move(0.5);
  await turns(5);
  // The move to 0.5 waits behind the first (one frame at a time per channel), then goes out as the newest state.
  assert.equal(calls.length, 0);
  settle();
  await turns(5);
  assert.deepEqual(calls, [0.5]);
  assert.equal(received.length, 15);
  bridge.stop();
});

test('a move does not wait for ever on a worker that never answers: it is answered here, and a start keeps waiting', async () => {
  const never = new Promise<void>(() => undefined);
  const { bridge, received, calls, move } = await start(false, undefined, () => never, 10);
  move(0.5);
  while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
  await turns(5);
  assert.deepEqual(calls, [0.5]);
  // The start snapshot's full frame is still held; the move went out as a plain frame (no on switch).
  assert.equal(received.length, 15);
  bridge.stop();
});

/** Waits (in 5 ms steps, at most 15 s) until `ok` holds. */
async function until(ok: () => boolean) {
  for (let i = 0; i < 3000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), 'waited 15 s');
}

test('a move whose answer is late goes out after its patience from what is made (provisional), is not fitted here, and goes out again when the answer comes', async () => {
  const { made, settle, done } = workerAnswer();
  const { bridge, received, values, calls, move } = await start(false, false, (_a, _b, alpha) => (!done() ? made : undefined), 10, () => true);
  move(0.5);
  await until(() => received.length === 15);
  assert.equal(calls.length, 0, 'nothing decoded here');
  assert.equal(bridge.counters().provisional, 1);
  assert.equal(values.get('/eqmorph/band/2/gain'), Math.fround(-1));
  // While the answer is still being made, the next move goes out provisionally too.
  move(0.75);
  await until(() => bridge.counters().provisional === 2);
  assert.equal(values.get('/eqmorph/band/2/gain'), Math.fround(-1.5));
  settle();
  await until(() => calls.length > 0);
  await turns(5);
  // The newest state, now from the made answer; nothing more provisional.
  assert.deepEqual(calls, [0.75]);
  assert.equal(values.get('/eqmorph/band/2/gain'), Math.fround(1.5));
  assert.equal(bridge.counters().provisional, 2);
  bridge.stop();
});

test('a channel given a new pair waits for its first answer as a start does: nothing provisional, nothing fitted here', async () => {
  const { made, settle, done } = workerAnswer();
  const { bridge, received, calls, move, pick } = await start(false, false, (a) => (a === 'bright' && !done() ? made : undefined), 10, () => true);
  move(0.5);
  await until(() => received.length === 15);
  const before = calls.length;
  pick('bright');
  // Well past the patience of a move: the new pair's first frame is still waiting.
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(received.length, 15);
  assert.equal(calls.length, before);
  assert.equal(bridge.counters().provisional, 0);
  settle();
  // Decoded once made (this decoder's answer does not depend on the words, so no datagram changes).
  await until(() => calls.length > before);
  await turns(5);
  assert.equal(calls.length, before + 1);
  assert.equal(bridge.counters().provisional, 0);
  bridge.stop();
});
