// Turns validated controller and target data into the typed profile objects, checking the rules a schema cannot state.

import type { BandType, ParamKind } from '../eq/bands.js';
import { formatAddress } from './endpoints.js';
import type { ProfileError } from './errors.js';
import type { RawController, RawTarget } from './schema.js';
import type { PathSegment, YamlSource } from './source.js';
import type {
  ControllerProfile,
  FixedMessage,
  MidiControl,
  MidiControlMessage,
  OscControl,
  TargetBand,
  TargetParam,
  TargetProfile,
  TargetTypeParam,
  TargetWire,
} from './types.js';

type Built<T> = { value: T; errors: ProfileError[] };

const ch = (channel: number) => channel - 1;

// ---------------------------------------------------------------- controller

export function buildController(raw: RawController, source: YamlSource): Built<ControllerProfile> {
  const errors: ProfileError[] = [];
  /** Wire identity -> the control that owns it, so that two controls never decode the same message. */
  const owners = new Map<string, string>();
  const claim = (keys: string[], id: string, path: PathSegment[], what: string) => {
    for (const key of keys) {
      const owner = owners.get(key);
      if (owner !== undefined && owner !== id) {
        errors.push(source.error(path, 'value', { code: 'invalid', problem: `${what} is already used by control "${owner}"; a message can drive one control only`, given: id }));
        return;
      }
    }
    for (const key of keys) owners.set(key, id);
  };
  const common = { version: raw.version, name: raw.name, file: source.file, kind: 'controller' as const, ...(raw.description !== undefined ? { description: raw.description } : {}) };

  if (raw.transport === 'midi') {
    const controls = new Map<string, MidiControl>();
    for (const [id, c] of Object.entries(raw.controls)) {
      const m = c.midi;
      let midi: MidiControlMessage;
      let value: MidiControl['value'];
      let maxStep: number | undefined;
      switch (m.type) {
        case 'cc':
          midi = { type: 'cc', channel: ch(m.channel), number: m.number, ...(m.relative ? { relative: m.relative } : {}) };
          [value, maxStep] = m.relative ? ['relative', undefined] : ['discrete', 127];
          claim([`cc/${m.channel}/${m.number}`], id, ['controls', id, 'midi'], `CC ${m.number} on channel ${m.channel}`);
          break;
        case 'cc14':
          midi = { type: 'cc14', channel: ch(m.channel), msb: m.number, lsb: m.number + 32 };
          [value, maxStep] = ['discrete', 16383];
          claim([`cc/${m.channel}/${m.number}`, `cc/${m.channel}/${m.number + 32}`], id, ['controls', id, 'midi'], `CC ${m.number}/${m.number + 32} on channel ${m.channel}`);
          break;
        case 'note':
          midi = { type: 'note', channel: ch(m.channel), number: m.number };
          [value, maxStep] = ['discrete', 127];
          claim([`note/${m.channel}/${m.number}`], id, ['controls', id, 'midi'], `note ${m.number} on channel ${m.channel}`);
          break;
        case 'pitchbend':
          midi = { type: 'pitchbend', channel: ch(m.channel) };
          [value, maxStep] = ['discrete', 16383];
          claim([`pb/${m.channel}`], id, ['controls', id, 'midi'], `pitch bend on channel ${m.channel}`);
          break;
        case 'nrpn':
          midi = { type: 'nrpn', channel: ch(m.channel), number: m.number, bits: m.bits, ...(m.relative ? { relative: m.relative } : {}) };
          [value, maxStep] = m.relative ? ['relative', undefined] : ['discrete', m.bits === 14 ? 16383 : 127];
          claim([`nrpn/${m.channel}/${m.number}`], id, ['controls', id, 'midi'], `NRPN ${m.number} on channel ${m.channel}`);
          break;
        case 'program':
          midi = { type: 'program', channel: ch(m.channel) };
          [value, maxStep] = ['discrete', 127];
          claim([`pc/${m.channel}`], id, ['controls', id, 'midi'], `program change on channel ${m.channel}`);
          break;
      }
      const touch = c.touch ? { type: c.touch.type, channel: ch(c.touch.channel), number: c.touch.number } : undefined;
      if (c.touch) claim([`${c.touch.type}/${c.touch.channel}/${c.touch.number}`], id, ['controls', id, 'touch'], `${c.touch.type} ${c.touch.number} on channel ${c.touch.channel}`);
      controls.set(id, {
        id,
        transport: 'midi',
        midi,
        value,
        ...(maxStep !== undefined ? { maxStep } : {}),
        ...(touch ? { touch } : {}),
        ...(c.ring ? { ring: c.ring } : {}),
        feedback: c.feedback,
        ...(c.description !== undefined ? { description: c.description } : {}),
      });
    }
    return { value: { ...common, transport: 'midi', controls }, errors };
  }

  const controls = new Map<string, OscControl>();
  for (const [id, c] of Object.entries(raw.controls)) {
    const o = c.osc;
    claim([o.address], id, ['controls', id, 'osc', 'address'], `address ${o.address}`);
    let value: OscControl['value'];
    let maxStep: number | undefined;
    if (o.type === 'f' || o.type === 'i') {
      if (o.min === o.max) errors.push(source.error(['controls', id, 'osc', 'max'], 'value', { code: 'invalid', problem: 'max must differ from min', given: o.max }));
      [value, maxStep] = o.type === 'f' ? ['continuous', undefined] : ['discrete', Math.abs(o.max - o.min)];
    } else {
      value = o.type === 's' ? 'text' : 'trigger';
    }
    controls.set(id, {
      id,
      transport: 'osc',
      osc: o,
      outOfRange: c.out_of_range,
      value,
      ...(maxStep !== undefined ? { maxStep } : {}),
      feedback: c.feedback,
      ...(c.description !== undefined ? { description: c.description } : {}),
    });
  }
  return { value: { ...common, transport: 'osc', controls }, errors };
}

// ---------------------------------------------------------------- target

const PARAM_KINDS: readonly ParamKind[] = ['gain', 'freq', 'q'];

type RawOscTarget = Extract<RawTarget, { transport: 'osc' }>;
type RawMidiTarget = Extract<RawTarget, { transport: 'midi' }>;
type RawOscParam = NonNullable<RawOscTarget['parameters']['gain']>;
type RawOscType = NonNullable<RawOscTarget['parameters']['type']>;
type RawMidiParams = RawMidiTarget['parameters'];
type RawMidiMany = NonNullable<RawMidiParams['gain']>['midi'];
type RawMidiOne = Extract<NonNullable<NonNullable<RawMidiTarget['band_overrides']>[string]['gain']>, object>['midi'];

function midiWire(m: RawMidiOne): TargetWire {
  switch (m.type) {
    case 'cc':
      return { transport: 'midi', type: 'cc', channel: ch(m.channel), number: m.number };
    case 'cc14':
      return { transport: 'midi', type: 'cc14', channel: ch(m.channel), msb: m.number, lsb: m.number + 32 };
    case 'nrpn':
      return { transport: 'midi', type: 'nrpn', channel: ch(m.channel), number: m.number, bits: m.bits };
  }
}

/** The one-band message of a per-band MIDI parameter, or null where its number is null. */
function midiAt(m: RawMidiMany, band: number): RawMidiOne | null {
  const n = m.numbers[band];
  if (n === null || n === undefined) return null;
  return m.type === 'nrpn' ? { type: 'nrpn', channel: m.channel, number: n, bits: m.bits } : { type: m.type, channel: m.channel, number: n };
}

function wireKey(w: TargetWire): string[] {
  if (w.transport === 'osc') return [`osc ${w.address}`];
  if (w.type === 'cc14') return [`cc/${w.channel}/${w.msb}`, `cc/${w.channel}/${w.lsb}`];
  return [`${w.type === 'nrpn' ? 'nrpn' : 'cc'}/${w.channel}/${w.number}`];
}

function wireText(w: TargetWire): string {
  if (w.transport === 'osc') return w.address;
  if (w.type === 'cc14') return `CC ${w.msb}/${w.lsb} on channel ${w.channel + 1}`;
  return `${w.type === 'nrpn' ? 'NRPN' : 'CC'} ${w.number} on channel ${w.channel + 1}`;
}

function fixedMessage(raw: { osc: { address: string; type: 'i' | 'f' | 's' | 'none' }; value?: number | string | undefined } | { midi: { type: 'cc' | 'note' | 'nrpn' | 'program'; channel: number; number?: number }; value: number }): FixedMessage {
  if ('osc' in raw) return { transport: 'osc', address: raw.osc.address, type: raw.osc.type, ...(raw.value !== undefined ? { value: raw.value } : {}) };
  const m = raw.midi;
  return { transport: 'midi', type: m.type, channel: ch(m.channel), ...(m.number !== undefined ? { number: m.number } : {}), value: raw.value };
}

type RawRcpTarget = Extract<RawTarget, { transport: 'rcp' }>;

/**
 * A Yamaha remote-control target in the OSC target's shape: both carry an address and one value per parameter, so
 * the same build, encoder and desk-report reader serve both (the value goes as an integer).
 */
function rcpAsOsc(raw: RawRcpTarget): RawOscTarget {
  type P = { rcp: { address: string }; scaling: TargetParam['scaling'] } | null | undefined;
  type T = { rcp: { address: string }; values: TargetTypeParam['values'] } | null | undefined;
  const param = (p: P) => (p ? { osc: { address: p.rcp.address, type: 'i' as const }, scaling: p.scaling } : p);
  const type = (p: T) => (p ? { osc: { address: p.rcp.address, type: 'i' as const }, values: p.values } : p);
  const params = (ps: { gain?: P; freq?: P; q?: P; type?: T }) =>
    Object.fromEntries(Object.entries(ps).map(([k, v]) => [k, k === 'type' ? type(v as T) : param(v as P)]));
  return {
    ...raw,
    transport: 'osc',
    parameters: params(raw.parameters) as RawOscTarget['parameters'],
    ...(raw.band_overrides ? { band_overrides: Object.fromEntries(Object.entries(raw.band_overrides).map(([k, v]) => [k, params(v)])) as RawOscTarget['band_overrides'] } : {}),
    ...(raw.on ? { on: { osc: { address: raw.on.rcp.address, type: typeof raw.on.value === 'string' ? 's' : 'i' }, value: raw.on.value } } : {}),
  } as RawOscTarget;
}

export function buildTarget(given: RawTarget, source: YamlSource): Built<TargetProfile> {
  if (given.transport === 'rcp') {
    const built = buildTarget(rcpAsOsc(given), source);
    return { value: { ...built.value, transport: 'rcp' }, errors: built.errors };
  }
  const raw = given;
  const errors: ProfileError[] = [];
  const bandCount = raw.bands.length;
  const overrides = (raw.band_overrides ?? {}) as Record<string, Partial<Record<ParamKind | 'type', unknown>>>;
  for (const key of Object.keys(overrides)) {
    if (Number(key) > bandCount) {
      errors.push(source.error(['band_overrides', key], 'key', { code: 'out_of_range', problem: `band ${key} does not exist; this target has ${bandCount} bands`, given: Number(key), allowed: raw.bands.map((_, i) => String(i + 1)) }));
    }
  }
  if (raw.transport === 'midi') {
    for (const kind of [...PARAM_KINDS, 'type'] as const) {
      const p = raw.parameters[kind];
      if (p && p.midi.numbers.length !== bandCount) {
        errors.push(source.error(['parameters', kind, 'midi', 'numbers'], 'value', { code: 'out_of_range', problem: `needs one number per band: ${bandCount} bands, ${p.midi.numbers.length} numbers (null for a band without ${kind})`, given: p.midi.numbers }));
      }
    }
    const checkScaling = (scaling: { kind: string }, path: PathSegment[]) => {
      if (scaling.kind === 'physical') {
        errors.push(source.error([...path, 'scaling', 'kind'], 'value', { code: 'bad_value', problem: 'MIDI carries steps, not units: give a linear, log or table scaling', given: 'physical', allowed: ['linear', 'log', 'table'] }));
      }
    };
    for (const kind of PARAM_KINDS) {
      const p = raw.parameters[kind];
      if (p) checkScaling(p.scaling, ['parameters', kind]);
      for (const [key, o] of Object.entries(raw.band_overrides ?? {})) {
        const op = o[kind];
        if (op) checkScaling(op.scaling, ['band_overrides', key, kind]);
      }
    }
  }

  /** Which band and parameter first claimed each wire message, to catch two parameters writing one place. */
  const owners = new Map<string, string>();
  const bands: TargetBand[] = raw.bands.map((type: BandType, i) => {
    const n = i + 1;
    const override = overrides[String(n)] ?? {};
    const params = {} as Record<ParamKind, TargetParam | null>;
    const claim = (w: TargetWire, what: string, path: PathSegment[]) => {
      for (const key of wireKey(w)) {
        const owner = owners.get(key);
        if (owner !== undefined) {
          const hint = w.transport === 'osc' && !path.includes('band_overrides') ? '; put {band} in the address' : '';
          errors.push(source.error(path, 'value', { code: 'invalid', problem: `${what} would send to ${wireText(w)}, as ${owner} does${hint}`, given: wireText(w) }));
          return;
        }
      }
      for (const key of wireKey(w)) owners.set(key, what);
    };
    for (const kind of PARAM_KINDS) {
      const fromOverride = kind in override;
      let param: TargetParam | null = null;
      let path: PathSegment[];
      if (raw.transport === 'osc') {
        const p = (fromOverride ? override[kind] : raw.parameters[kind]) as RawOscParam | null | undefined;
        path = fromOverride ? ['band_overrides', String(n), kind, 'osc', 'address'] : ['parameters', kind, 'osc', 'address'];
        if (p) param = { wire: { transport: 'osc', address: withBand(p.osc.address, n), type: p.osc.type }, scaling: p.scaling };
      } else {
        if (fromOverride) {
          const p = override[kind] as { midi: RawMidiOne; scaling: TargetParam['scaling'] } | null;
          path = ['band_overrides', String(n), kind, 'midi'];
          if (p) param = { wire: midiWire(p.midi), scaling: p.scaling };
        } else {
          const p = raw.parameters[kind];
          path = ['parameters', kind, 'midi', 'numbers', i];
          const one = p ? midiAt(p.midi, i) : null;
          if (p && one) param = { wire: midiWire(one), scaling: p.scaling };
        }
      }
      if (param) claim(param.wire, `band ${n} ${kind}`, path);
      params[kind] = param;
    }
    let bandType: TargetTypeParam | null = null;
    const typeFromOverride = 'type' in override;
    const typePath: PathSegment[] = typeFromOverride ? ['band_overrides', String(n), 'type'] : ['parameters', 'type'];
    if (raw.transport === 'osc') {
      const p = (typeFromOverride ? override['type'] : raw.parameters.type) as RawOscType | null | undefined;
      if (p) bandType = { wire: { transport: 'osc', address: withBand(p.osc.address, n), type: p.osc.type }, values: p.values };
    } else if (typeFromOverride) {
      const p = override['type'] as { midi: RawMidiOne; values: TargetTypeParam['values'] } | null;
      if (p) bandType = { wire: midiWire(p.midi), values: p.values };
    } else if (raw.parameters.type) {
      const one = midiAt(raw.parameters.type.midi, i);
      if (one) bandType = { wire: midiWire(one), values: raw.parameters.type.values };
    }
    if (bandType) {
      claim(bandType.wire, `band ${n} type`, [...typePath, raw.transport, raw.transport === 'osc' ? 'address' : 'type']);
      if (bandType.values[type] === undefined) {
        errors.push(source.error([...typePath, 'values'], 'value', { code: 'missing_key', problem: `band ${n} is a ${type} but values has no ${type}`, allowed: Object.keys(bandType.values) }));
      }
    }
    return { number: n, type, params, bandType };
  });

  const value: TargetProfile = {
    kind: 'target',
    version: raw.version,
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    file: source.file,
    transport: raw.transport,
    bands,
    ...(raw.on ? { on: fixedMessage(raw.on) } : {}),
    ...(raw.keepalive ? { keepalive: { message: fixedMessage(raw.keepalive), everyMs: raw.keepalive.every_ms } } : {}),
    ...(raw.transport === 'osc' && raw.port !== undefined ? { port: raw.port } : {}), // an rcp target arrives here in OSC shape, its port kept
    ...(raw.transport === 'osc' && raw.reports ? { reports: { parameters: new Set(raw.reports.parameters), query: raw.reports.query } } : {}),
    ...(raw.limits
      ? {
          limits: {
            ...(raw.limits.messages_per_second !== undefined ? { messagesPerSecond: raw.limits.messages_per_second } : {}),
            ...(raw.limits.bytes_per_second !== undefined ? { bytesPerSecond: raw.limits.bytes_per_second } : {}),
          },
        }
      : {}),
  };
  return { value, errors };
}

/** Fills {band} (and {band:0N}) now; {instance} stays for the mapping instance to fill. */
function withBand(template: string, band: number): string {
  return formatAddress(template, { band });
}
