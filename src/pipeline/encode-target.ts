// Turns an instance's EQ bands into wire messages for its target profile: scaling, quantising, addresses; pure.

import type { EqSettings } from '../eq/bands.js';
import type { ParamKind } from '../eq/bands.js';
import { formatAddress } from '../profiles/endpoints.js';
import type { TargetParam, TargetProfile, TargetScaling } from '../profiles/types.js';

/** One parameter's message: a stable key for de-duplication, the wire value, and its bytes for budgets. */
export type WireMessage =
  | { readonly key: string; readonly transport: 'osc'; readonly address: string; readonly type: 'f' | 'i' | 's'; readonly value: number }
  | { readonly key: string; readonly transport: 'midi'; readonly bytes: readonly number[]; readonly value: number };

/** Physical value -> the target's wire value: physical units as they are, else normalised 0..1 (then to steps). */
export function scaleToWire(s: TargetScaling, physical: number): number {
  switch (s.kind) {
    case 'physical':
      return physical;
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
  }
}

export function midiBytes(wire: Extract<TargetParam['wire'], { transport: 'midi' }>, unit: number): number[] {
  const ch = wire.channel;
  const u = Math.min(1, Math.max(0, unit));
  switch (wire.type) {
    case 'cc':
      return [0xb0 | ch, wire.number, Math.round(u * 127)];
    case 'cc14': {
      const v = Math.round(u * 16383);
      return [0xb0 | ch, wire.msb, v >> 7, 0xb0 | ch, wire.lsb, v & 0x7f];
    }
    case 'nrpn': {
      const sel = [0xb0 | ch, 99, (wire.number >> 7) & 0x7f, 0xb0 | ch, 98, wire.number & 0x7f];
      if (wire.bits === 7) return [...sel, 0xb0 | ch, 6, Math.round(u * 127)];
      const v = Math.round(u * 16383);
      return [...sel, 0xb0 | ch, 6, v >> 7, 0xb0 | ch, 38, v & 0x7f];
    }
  }
}

const KINDS: readonly ParamKind[] = ['gain', 'freq', 'q'];

/**
 * Messages for every parameter the target has, in band order. eqmorph's five bands map onto the target's bands one to
 * one by position; a target with another layout needs a fitted mapping (not done here: such targets are refused at start).
 */
export function encodeTargetFrame(target: TargetProfile, instanceIndex: number, instanceName: string, bands: EqSettings): WireMessage[] {
  const out: WireMessage[] = [];
  target.bands.forEach((tb, i) => {
    const band = bands[i];
    if (!band) return;
    for (const kind of KINDS) {
      const p = tb.params[kind];
      if (!p) continue;
      const physical = kind === 'gain' ? band.gain : kind === 'freq' ? band.freq : band.q;
      const value = scaleToWire(p.scaling, physical);
      const key = `${instanceName}/b${tb.number}/${kind}`;
      if (p.wire.transport === 'osc') {
        const v = p.wire.type === 'i' ? Math.round(value) : Math.fround(value);
        out.push({ key, transport: 'osc', address: formatAddress(p.wire.address, { instance: instanceIndex, band: tb.number }), type: p.wire.type, value: v });
      } else {
        out.push({ key, transport: 'midi', bytes: midiBytes(p.wire, value), value });
      }
    }
  });
  return out;
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
