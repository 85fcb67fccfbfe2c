// Benchmark: where one fader event's time goes, stage by stage, with the bridge's own functions and a real UDP socket.

import dgram from 'node:dgram';
import type { ControlEvent } from '../src/codecs/control-value.js';
import { DEFAULT_MODEL_DIR, PACKAGE_ROOT } from '../src/data/paths.js';
import { initBackend } from '../src/model/backend.js';
import { EqModel } from '../src/model/eq-model.js';
import { CachedDecoder } from '../src/morph/cached-decoder.js';
import { morphBands } from '../src/morph/morph-state.js';
import { initialBridgeState, reduceControl } from '../src/pipeline/bindings.js';
import { decodeOscControl, oscAddressTable } from '../src/pipeline/decode-osc-control.js';
import { encodeTargetFrame, unsent, type WireMessage } from '../src/pipeline/encode-target.js';
import { loadMapping } from '../src/profiles/load.js';
import type { OscControl } from '../src/profiles/types.js';
import { decodeOscPacket, encodeOscMessage } from '../src/transports/osc-packet.js';
import { encodeCached } from '../src/transports/osc-udp.js';
import { alphaAt, percentile } from './frames.js';

/** Median µs per call of `fn` over `rounds` rounds of `perRound` calls (k is the running call number). */
function usPerCall(rounds: number, perRound: number, fn: (k: number) => void): number {
  const per: number[] = [];
  let k = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn(k++);
    per.push(Number(process.hrtime.bigint() - t0) / 1000 / perRound);
  }
  return percentile(per.sort((a, b) => a - b), 0.5);
}

export async function benchStages(opts: { quick?: boolean } = {}) {
  await initBackend();
  const model = await EqModel.load(DEFAULT_MODEL_DIR);
  const decoder = new CachedDecoder(model);
  const mapping = await loadMapping(`${PACKAGE_ROOT}/mappings/default.yaml`);
  const inst = mapping.instances[0]!;
  const profile = mapping.outputs.get(inst.output)!.profile;
  decoder.prepare(inst.initial.termA, inst.initial.termB);
  const table = oscAddressTable(mapping.inputs.get('surface')!.profile.controls as ReadonlyMap<string, OscControl>);
  const rounds = opts.quick ? 20 : 50;
  const n = 200;

  const packets = Array.from({ length: 1024 }, (_, k) => encodeOscMessage('/eqmorph/alpha', [alphaAt(k)], 'f'));
  const oscDecode = usPerCall(rounds, n, (k) => {
    const r = decodeOscPacket(packets[k % 1024]!);
    if (r.ok) decodeOscControl('surface', table, { ...r.messages[0]!, time: 0 });
  });
  const events: ControlEvent[] = packets.map((p) => {
    const r = decodeOscPacket(p);
    const e = r.ok ? decodeOscControl('surface', table, { ...r.messages[0]!, time: 0 }) : null;
    if (!e?.ok) throw new Error('bench packet did not decode');
    return e.event;
  });
  let state = initialBridgeState(mapping.instances);
  const reduce = usPerCall(rounds, n, (k) => {
    state = reduceControl(state, mapping.instances, events[k % 1024]!, decoder).state;
  });
  const s0 = state.instances.get(inst.name)!;
  const decode = usPerCall(rounds, n, (k) => morphBands({ ...s0, alpha: alphaAt(k) }, decoder));
  const bands = Array.from({ length: 1024 }, (_, k) => morphBands({ ...s0, alpha: alphaAt(k) }, decoder));
  const encode = usPerCall(rounds, n, (k) => encodeTargetFrame(profile, inst.index, inst.name, bands[k % 1024]!));
  const frames = bands.map((b) => encodeTargetFrame(profile, inst.index, inst.name, b));
  const lastSent = new Map<string, WireMessage>();
  const dedup = usPerCall(rounds, n, (k) => {
    for (const m of unsent(frames[k % 1024]!, lastSent)) lastSent.set(m.key, m);
  });
  // What the bridge sends per event: the parameters that changed since the previous frame.
  const keyed = (f: readonly WireMessage[]) => new Map(f.map((m) => [m.key, m]));
  const oscMessages = frames.map((f, k) => unsent(f, keyed(frames[(k + 1023) % 1024]!)).filter((m): m is Extract<WireMessage, { transport: 'osc' }> => m.transport === 'osc'));
  const oscEncodeJs = usPerCall(rounds, n, (k) => {
    for (const m of oscMessages[k % 1024]!) encodeOscMessage(m.address, [m.value], m.type);
  });
  const templates = new Map<string, Uint8Array>();
  const oscEncode = usPerCall(rounds, n, (k) => {
    for (const m of oscMessages[k % 1024]!) encodeCached(templates, { address: m.address, args: [m.value], types: m.type });
  });

  // The send syscalls: 13 datagrams per frame to a socket that reads and discards them.
  const sink = dgram.createSocket('udp4');
  sink.on('message', () => undefined);
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  const tx = dgram.createSocket('udp4');
  await new Promise<void>((r) => tx.bind(0, '127.0.0.1', r));
  const bytes = oscMessages.map((ms) => ms.map((m) => encodeOscMessage(m.address, [m.value], m.type)));
  const port = sink.address().port;
  const sendRounds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Timed to the last send callback: a send is finished when libuv has handed the datagram to the kernel.
    const t0 = process.hrtime.bigint();
    await new Promise<void>((done) => {
      let left = 0;
      for (let k = 0; k < n / 10; k++)
        for (const b of bytes[k]!) {
          left++;
          tx.send(b, port, '127.0.0.1', () => --left === 0 && done());
        }
    });
    sendRounds.push(Number(process.hrtime.bigint() - t0) / 1000 / (n / 10));
    await new Promise((r) => setImmediate(r));
  }
  const send = percentile(sendRounds.sort((a, b) => a - b), 0.5);
  tx.close();
  sink.close();
  const perMessage = oscMessages[0]!.length;
  return { oscDecodeUs: oscDecode, oscEncodeOscJsUs: oscEncodeJs, reduceUs: reduce, decodeUs: decode, encodeUs: encode, dedupUs: dedup, oscEncodeUs: oscEncode, sendUs: send, messagesPerFrame: perMessage, totalUs: oscDecode + reduce + decode + encode + dedup + oscEncode + send };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify(await benchStages({ quick: process.argv.includes('--quick') }), null, 2) + '\n');
}
