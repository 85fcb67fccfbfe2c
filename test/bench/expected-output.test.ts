// The latency harness's expectation of what the bridge sends agrees with a real bridge; a burst read in one turn costs one frame.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { expectedBridgeOutput, writeManyInstanceMapping } from '../../bench/latency.js';
import { alphaAddress, alphaAt, matchFrames, settledAt, type Arrival } from '../../bench/frames.js';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../../src/data/paths.js';
import { initBackend } from '../../src/model/backend.js';
import { EqModel } from '../../src/model/eq-model.js';
import { CachedDecoder } from '../../src/morph/cached-decoder.js';
import { startBridge, type OscTransport } from '../../src/pipeline/bridge.js';
import { loadMapping } from '../../src/profiles/load.js';
import type { Mapping } from '../../src/profiles/types.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import type { OscInMessage, OscOutMessage } from '../../src/transports/osc-udp.js';

let decoder: CachedDecoder;
let dir: string;
before(async () => {
  await initBackend();
  decoder = new CachedDecoder(await EqModel.load(DEFAULT_MODEL_DIR));
  dir = mkdtempSync(join(tmpdir(), 'eqmorph-bench-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const alphas = (n: number) => Array.from({ length: n }, (_, k) => alphaAt(k));
const turn = () => new Promise((r) => setImmediate(r));

/** A bridge on memory links: `send` is the surface, `out` collects what the EQ receives (t = arrival order). */
async function bridgeOn(mapping: Mapping) {
  for (const inst of mapping.instances) decoder.prepare(inst.initial.termA, inst.initial.termB);
  const input = createMemoryLink<OscOutMessage, OscInMessage>();
  const output = createMemoryLink<OscOutMessage, OscInMessage>();
  await Promise.all([input.a.open(), input.b.open(), output.a.open(), output.b.open()]);
  const out: Arrival[] = [];
  output.b.messages$.subscribe((m) => out.push({ address: m.address, value: Number(m.args![0]), t: out.length }));
  const [inName] = [...mapping.inputs.keys()];
  const [outName] = [...mapping.outputs.keys()];
  const bridge = startBridge({
    mapping,
    decoder,
    oscInputs: new Map<string, OscTransport>([[inName!, input.a]]),
    oscOutputs: new Map<string, OscTransport>([[outName!, output.a]]),
  });
  const send = (k: number, n: number) =>
    input.b.send({ address: alphaAddress(k % n, n), args: [alphaAt(k)], types: 'f', from: { address: '127.0.0.1', port: 1 }, time: 0 });
  return { out, send, stop: () => bridge.stop() };
}

test('one event per turn: every frame’s expected last message arrives, in order, and the output ends on the expected finals', async () => {
  const mapping = await loadMapping(join(PACKAGE_ROOT, 'mappings', 'default.yaml'));
  const b = await bridgeOn(mapping);
  await turn();
  const events = 40;
  for (let k = 0; k < events; k++) {
    b.send(k, 1);
    await turn();
  }
  b.stop();
  const expected = expectedBridgeOutput(mapping, decoder, alphas(events));
  const got = matchFrames(expected.ends, b.out);
  assert.ok(got.every((t) => t !== null), JSON.stringify(got));
  assert.ok(got.every((t, k) => k === 0 || t! > got[k - 1]!));
  // 15 at start, then 13 per frame: the shelves' fixed Q never changes.
  assert.equal(b.out.length, 15 + 13 * events);
  assert.notEqual(settledAt(expected.finals, b.out), null);
});

test('32 generated instances: the mapping loads, and each event changes only its own instance’s addresses', async () => {
  const many = await loadMapping(writeManyInstanceMapping(dir, 32, decoder.terms));
  assert.equal(many.instances.length, 32);
  const b = await bridgeOn(many);
  await turn();
  const start = b.out.length;
  assert.equal(start, 32 * 15);
  for (let k = 0; k < 64; k++) {
    b.send(k, 32);
    await turn();
  }
  b.stop();
  const expected = expectedBridgeOutput(many, decoder, alphas(64));
  assert.ok(matchFrames(expected.ends, b.out).every((t) => t !== null));
  assert.ok(expected.ends.every((e, k) => e!.address.startsWith(`/eqmorph/${(k % 32) + 1}/band/`)));
  assert.notEqual(settledAt(expected.finals, b.out), null);
});

test('for all bursts read in one turn, the bridge sends at most one frame (15 values) and ends on the last event’s values', async () => {
  const mapping = await loadMapping(join(PACKAGE_ROOT, 'mappings', 'default.yaml'));
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 2000 }), async (n) => {
      const b = await bridgeOn(mapping);
      await turn();
      const start = b.out.length;
      for (let k = 0; k < n; k++) b.send(k, 1);
      await turn();
      await turn();
      b.stop();
      const sent = b.out.slice(start);
      assert.ok(sent.length <= 15, `${sent.length} messages for ${n} events`);
      assert.notEqual(settledAt(expectedBridgeOutput(mapping, decoder, alphas(n)).finals, b.out), null);
    }),
    { numRuns: 25 },
  );
});
