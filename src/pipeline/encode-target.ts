// Turns an instance's EQ bands into wire messages for its target profile: scaling, quantising, addresses; pure.

import type { Band, ParamKind } from '../eq/bands.js';
import { formatAddress } from '../profiles/endpoints.js';
import type { FixedMessage, TargetParam, TargetProfile, TargetScaling, TargetWire } from '../profiles/types.js';

/**
 * One parameter's message: a stable key for de-duplication, the wire value (an OSC band type may be a word), and its
 * bytes for budgets. An OSC message of type `none` carries no argument (a trigger such as a keepalive).
 */
export type WireMessage =
  | { readonly key: string; readonly transport: 'osc'; readonly address: string; readonly type: 'f' | 'i' | 's' | 'none'; readonly value: number | string }
  | { readonly key: string; readonly transport: 'midi'; readonly bytes: readonly number[]; readonly value: number };

/** Physical value -> the target's wire value: physical units as they are, else normalised 0..1 (then to steps). */
export function scaleToWire(s: TargetScaling, physical: number): number {
  switch (s.kind) {
    case 'physical':
      return Math.min(s.max ?? Infinity, Math.max(s.min ?? -Infinity, physical));
    case 'linear':
    case 'log': {
      const x =
        s.kind === 'linear' ? (physical - s.min) / (s.max - s.min) : Math.log(Math.max(physical, 1e-12) / s.min) / Math.log(s.max / s.min);
      let u = Math.min(1, Math.max(0, x));
      if (s.invert) u = 1 - u;
      return s.steps && s.steps > 1 ? Math.round(u * (s.steps - 1)) / (s.steps - 1) : u;
    }
    case 'table': {
      // Nearest entry, judged on a log scale where the table is all positive (frequency, Q), else linearly.
      const logScale = s.values.every((v) => v > 0);
      let best = 0;
      let bestD = Infinity;
      s.values.forEach((v, i) => {
        const d = logScale ? Math.abs(Math.log(v / physical)) : Math.abs(v - physical);
        if (d < bestD) {
          bestD = d;
          best = i;
        }
      });
      return s.values.length > 1 ? best / (s.values.length - 1) : 0;
    }
    case 'fixed-point':
      return Math.round(Math.min(s.max, Math.max(s.min, physical)) * s.factor);
  }
}

export function midiBytes(wire: Extract<TargetWire, { transport: 'midi' }>, unit: number): number[] {
  const u = Math.min(1, Math.max(0, unit));
  const bits = wire.type === 'cc' || (wire.type === 'nrpn' && wire.bits === 7) ? 7 : 14;
  return midiRawBytes(wire, Math.round(u * (bits === 7 ? 127 : 16383)));
}

/** A parameter's wire message carrying a raw step (0..127 on 7-bit messages, 0..16383 on 14-bit ones), e.g. a band type. */
export function midiRawBytes(wire: Extract<TargetWire, { transport: 'midi' }>, raw: number): number[] {
  const ch = wire.channel;
  switch (wire.type) {
    case 'cc':
      return [0xb0 | ch, wire.number, raw & 0x7f];
    case 'cc14':
      return [0xb0 | ch, wire.msb, (raw >> 7) & 0x7f, 0xb0 | ch, wire.lsb, raw & 0x7f];
    case 'nrpn': {
      const sel = [0xb0 | ch, 99, (wire.number >> 7) & 0x7f, 0xb0 | ch, 98, wire.number & 0x7f];
      if (wire.bits === 7) return [...sel, 0xb0 | ch, 6, raw & 0x7f];
      return [...sel, 0xb0 | ch, 6, (raw >> 7) & 0x7f, 0xb0 | ch, 38, raw & 0x7f];
    }
  }
}

/** A fixed message (EQ on, keepalive) for one instance: `{instance}` filled in; MIDI values above 127 go as 14-bit NRPN data. */
export function encodeFixed(msg: FixedMessage, instanceIndex: number, key: string): WireMessage {
  if (msg.transport === 'osc') {
    const value = msg.value ?? 0;
    return { key, transport: 'osc', address: formatAddress(msg.address, { instance: instanceIndex }), type: msg.type, value: msg.type === 'f' && typeof value === 'number' ? Math.fround(value) : value };
  }
  const ch = msg.channel;
  const n = msg.number ?? 0;
  const v = msg.value;
  switch (msg.type) {
    case 'cc':
      return { key, transport: 'midi', bytes: [0xb0 | ch, n, v & 0x7f], value: v };
    case 'note':
      return { key, transport: 'midi', bytes: [0x90 | ch, n, v & 0x7f], value: v };
    case 'program':
      return { key, transport: 'midi', bytes: [0xc0 | ch, v & 0x7f], value: v };
    case 'nrpn':
      return { key, transport: 'midi', bytes: midiRawBytes({ transport: 'midi', type: 'nrpn', channel: ch, number: n, bits: 14 }, v), value: v };
  }
}

/** An OSC wire message as the OSC transport sends it. */
export function oscOut(m: Extract<WireMessage, { transport: 'osc' }>): { address: string; args: (number | string)[]; types: string } {
  return m.type === 'none' ? { address: m.address, args: [], types: '' } : { address: m.address, args: [m.value], types: m.type };
}

const KINDS: readonly ParamKind[] = ['gain', 'freq', 'q'];

/**
 * Messages for every parameter the target has, in band order, and each band's type where the target takes one (sent
 * with the first frame and on dump; de-duplication drops it otherwise). `bands` are in the target's own layout: eqmorph's
 * five one to one, or the target's fitted bands (src/morph/fitted-decoder.ts).
 */
export function encodeTargetFrame(target: TargetProfile, instanceIndex: number, instanceName: string, bands: readonly Band[]): WireMessage[] {
  return targetEncoder(target, instanceIndex, instanceName)(bands);
}

/**
 * encodeTargetFrame for one instance, with its addresses and keys worked out once: the bridge encodes a frame per
 * fader event, and filling address templates was most of that cost.
 */
export function targetEncoder(target: TargetProfile, instanceIndex: number, instanceName: string): (bands: readonly Band[]) => WireMessage[] {
  const bandPlans = target.bands.map((tb) => {
    let type: WireMessage | null = null;
    if (tb.bandType) {
      const raw = tb.bandType.values[tb.type]!;
      const key = `${instanceName}/b${tb.number}/type`;
      const w = tb.bandType.wire;
      type =
        w.transport === 'osc'
          ? { key, transport: 'osc', address: formatAddress(w.address, { instance: instanceIndex, band: tb.number }), type: w.type, value: raw }
          : { key, transport: 'midi', bytes: midiRawBytes(w, Number(raw)), value: Number(raw) };
    }
    const params = KINDS.flatMap((kind) => {
      const p = tb.params[kind];
      if (!p) return [];
      const address = p.wire.transport === 'osc' ? formatAddress(p.wire.address, { instance: instanceIndex, band: tb.number }) : '';
      return [{ kind, param: p, key: `${instanceName}/b${tb.number}/${kind}`, address }];
    });
    return { type, params };
  });
  return (bands) => {
    const out: WireMessage[] = [];
    bandPlans.forEach((plan, i) => {
      const band = bands[i];
      if (!band) return;
      if (plan.type) out.push(plan.type);
      for (const { kind, param: p, key, address } of plan.params) {
        const value = scaleToWire(p.scaling, kind === 'gain' ? band.gain : kind === 'freq' ? band.freq : band.q);
        if (p.wire.transport === 'osc') out.push({ key, transport: 'osc', address, type: p.wire.type, value: p.wire.type === 'i' ? Math.round(value) : Math.fround(value) });
        else out.push({ key, transport: 'midi', bytes: midiBytes(p.wire, value), value });
      }
    });
    return out;
  };
}

/** Same key, same wire bytes or value: the target would not notice, so it is not sent. */
export function sameWire(a: WireMessage, b: WireMessage): boolean {
  if (a.transport === 'osc' && b.transport === 'osc') return a.value === b.value;
  if (a.transport === 'midi' && b.transport === 'midi') return a.bytes.length === b.bytes.length && a.bytes.every((x, i) => x === b.bytes[i]);
  return false;
}

/** The messages of `frame` whose wire value differs from the last one sent for the same key (all of them where none was). */
export function unsent(frame: readonly WireMessage[], lastSent: ReadonlyMap<string, WireMessage>): WireMessage[] {
  return frame.filter((m) => {
    const last = lastSent.get(m.key);
    return !last || !sameWire(last, m);
  });
}
