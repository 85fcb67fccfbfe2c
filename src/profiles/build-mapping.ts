// Turns a validated mapping into the typed Mapping: loads its profiles, parses endpoints, and checks every reference, term and binding.

import { basename } from 'node:path';
import { parseAllowEntry } from './allow.js';
import { DEFAULT_OSC_LISTEN, DEFAULT_OSC_SEND, DEFAULT_RCP_PORT, parseHostPort, parsePortMatcher } from './endpoints.js';
import { ProfileErrors, type ProfileError } from './errors.js';
import { DESK_EDIT_POLICIES, type RawBinding, type RawMapping } from './schema.js';
import type { PathSegment, YamlSource } from './source.js';
import { didYouMean, suggest } from './suggest.js';
import type {
  Binding,
  BindingTarget,
  Control,
  ControllerProfile,
  Curve,
  HostPort,
  InputConnection,
  KnownTerms,
  Mapping,
  MappingInput,
  MappingOutput,
  MorphInstance,
  OutputConnection,
  PortMatcher,
  TargetProfile,
} from './types.js';

export interface MappingContext {
  /** Loads a referenced profile (path as written, relative to the mapping); rejects with ProfileErrors. */
  readonly load: (kind: 'controller' | 'target', path: string) => Promise<ControllerProfile | TargetProfile>;
  readonly exists: (path: string) => Promise<boolean>;
  readonly knownTerms?: KnownTerms | undefined;
}

const DEFAULT_STEP = 0.01;
const DEFAULT_TAKEOVER = 'pickup' as const;

export async function buildMapping(raw: RawMapping, source: YamlSource, ctx: MappingContext): Promise<{ value: Mapping; errors: ProfileError[] }> {
  const errors: ProfileError[] = [];
  const err = (path: PathSegment[], target: 'key' | 'value', init: Parameters<YamlSource['error']>[2]) => errors.push(source.error(path, target, init));

  async function profile<K extends 'controller' | 'target'>(kind: K, path: string, at: PathSegment[]): Promise<(K extends 'controller' ? ControllerProfile : TargetProfile) | null> {
    if (!(await ctx.exists(path))) {
      err(at, 'value', { code: 'reference', problem: `no ${kind} profile file at this path (paths are relative to the mapping file)`, given: path });
      return null;
    }
    try {
      return (await ctx.load(kind, path)) as never;
    } catch (e) {
      if (!(e instanceof ProfileErrors)) throw e;
      errors.push(...e.errors);
      const n = e.errors.length;
      err(at, 'value', { code: 'reference', problem: `this ${kind} profile has ${n} problem${n === 1 ? '' : 's'} (listed with its file)`, given: path });
      return null;
    }
  }

  function hostPort(text: string | number | undefined, defaults: HostPort, at: PathSegment[]): HostPort {
    if (text === undefined) return defaults;
    const r = parseHostPort(text, defaults);
    if ('error' in r) {
      err(at, 'value', { code: 'bad_value', problem: r.error, given: text, allowed: ['host:port', 'host', ':port', 'port'] });
      return defaults;
    }
    return r;
  }

  function port(text: string, at: PathSegment[]): PortMatcher {
    const r = parsePortMatcher(text);
    if ('error' in r) {
      err(at, 'value', { code: 'bad_value', problem: r.error, given: text });
      return { kind: 'exact', name: text };
    }
    return r;
  }

  /** Exactly one of `osc:`/`midi:` and it matches the profile's transport. */
  function transportOf(entry: { osc?: unknown; midi?: unknown; rcp?: unknown }, at: PathSegment[], profileTransport: 'osc' | 'midi' | 'rcp' | undefined, what: string): 'osc' | 'midi' | 'rcp' | null {
    const given = (['osc', 'midi', 'rcp'] as const).filter((t) => entry[t] !== undefined);
    if (given.length !== 1) {
      const kinds = 'rcp' in entry || profileTransport === 'rcp' ? 'osc:, midi: or rcp:' : 'osc: or midi:';
      err(at, 'key', { code: given.length === 0 ? 'missing_key' : 'invalid', problem: `${what} needs exactly one of ${kinds}${profileTransport ? ` (its profile is ${profileTransport})` : ''}`, allowed: ['osc', 'midi'] });
      return null;
    }
    const t = given[0]!;
    if (profileTransport && t !== profileTransport) {
      err([...at, t], 'key', { code: 'invalid', problem: `the profile of ${what} speaks ${profileTransport}; connect it with ${profileTransport}:`, given: t, allowed: [profileTransport] });
      return null;
    }
    return t;
  }

  // ---- inputs
  const inputs = new Map<string, MappingInput>();
  const inputProfiles = new Map<string, ControllerProfile | null>();
  for (const [name, input] of Object.entries(raw.inputs)) {
    const at: PathSegment[] = ['inputs', name];
    const prof = await profile('controller', input.profile, [...at, 'profile']);
    inputProfiles.set(name, prof);
    const t = transportOf(input, at, prof?.transport, `input "${name}"`);
    let connection: InputConnection | null = null;
    if (t === 'osc') {
      const o = input.osc!;
      const feedback = o.feedback !== undefined ? hostPort(o.feedback, { host: '127.0.0.1', port: DEFAULT_OSC_LISTEN.port + 1 }, [...at, 'osc', 'feedback']) : undefined;
      const allow = o.allow?.flatMap((text, i) => {
        const entry = parseAllowEntry(text);
        if (!('error' in entry)) return [entry];
        err([...at, 'osc', 'allow', i], 'value', { code: 'bad_value', problem: entry.error, given: text, allowed: ['IPv4 or IPv6 address', 'address/prefix'] });
        return [];
      });
      connection = { transport: 'osc', listen: hostPort(o.listen, DEFAULT_OSC_LISTEN, [...at, 'osc', 'listen']), ...(feedback ? { feedback } : {}), ...(allow ? { allow } : {}) };
    } else if (t === 'midi') {
      const m = input.midi!;
      const portAt = [...at, 'midi'];
      if ((m.port === undefined) === (m.virtual === undefined)) {
        err(portAt, 'key', { code: m.port === undefined ? 'missing_key' : 'invalid', problem: 'give exactly one of port: (an existing port) or virtual: (a port eqmorph creates)', allowed: ['port', 'virtual'] });
      }
      if (m.output_port !== undefined && m.output_virtual !== undefined) {
        err([...portAt, 'output_virtual'], 'key', { code: 'invalid', problem: 'give at most one of output_port: and output_virtual:', allowed: ['output_port', 'output_virtual'] });
      }
      const inPort: PortMatcher = m.virtual !== undefined ? { kind: 'virtual', name: m.virtual } : port(m.port ?? '', [...portAt, 'port']);
      const outPort: PortMatcher | undefined =
        m.output_virtual !== undefined ? { kind: 'virtual', name: m.output_virtual } : m.output_port !== undefined ? port(m.output_port, [...portAt, 'output_port']) : undefined;
      connection = { transport: 'midi', port: inPort, ...(outPort ? { outputPort: outPort } : {}) };
    }
    if (prof && connection) inputs.set(name, { name, profile: prof, connection });
  }

  // ---- outputs
  const outputs = new Map<string, MappingOutput>();
  for (const [name, output] of Object.entries(raw.outputs)) {
    const at: PathSegment[] = ['outputs', name];
    const prof = await profile('target', output.profile, [...at, 'profile']);
    const t = transportOf(output, at, prof?.transport, `output "${name}"`);
    let connection: OutputConnection | null = null;
    if (t === 'osc') {
      const o = output.osc!;
      const listen = o.listen !== undefined ? hostPort(o.listen, DEFAULT_OSC_LISTEN, [...at, 'osc', 'listen']) : undefined;
      connection = { transport: 'osc', send: hostPort(o.send, DEFAULT_OSC_SEND, [...at, 'osc', 'send']), ...(listen ? { listen } : {}) };
    } else if (t === 'midi') {
      const m = output.midi!;
      if ((m.port === undefined) === (m.virtual === undefined)) {
        err([...at, 'midi'], 'key', { code: m.port === undefined ? 'missing_key' : 'invalid', problem: 'give exactly one of port: (an existing port) or virtual: (a port eqmorph creates)', allowed: ['port', 'virtual'] });
      }
      connection = { transport: 'midi', port: m.virtual !== undefined ? { kind: 'virtual', name: m.virtual } : port(m.port ?? '', [...at, 'midi', 'port']) };
    } else if (t === 'rcp') {
      connection = { transport: 'rcp', connect: hostPort(output.rcp!.connect, { host: '127.0.0.1', port: DEFAULT_RCP_PORT }, [...at, 'rcp', 'connect']) };
    }
    if (output.on_desk_edit !== undefined && prof && !prof.reports) {
      err([...at, 'on_desk_edit'], 'key', { code: 'invalid', problem: `${basename(prof.file)} does not report edits made on the desk (no reports: in the target profile); remove on_desk_edit`, given: output.on_desk_edit });
    }
    const onDeskEdit = prof?.reports ? (output.on_desk_edit ?? DESK_EDIT_POLICIES[0]) : undefined;
    if (prof && connection) outputs.set(name, { name, profile: prof, connection, ...(onDeskEdit ? { onDeskEdit } : {}) });
  }

  // ---- terms
  function term(t: string, at: PathSegment[]): void {
    if (!ctx.knownTerms) return;
    const answer = ctx.knownTerms(t);
    if (answer === true) return;
    const suggestions = answer === false ? [] : [...answer.suggestions];
    err(at, 'value', { code: 'unknown_term', problem: `the model does not know the term "${t}"${didYouMean(suggestions)}; \`eqmorph terms\` lists them`, given: t, suggestions });
  }

  // ---- instances
  const instances: MorphInstance[] = [];
  const seen = new Set<string>();
  raw.instances.forEach((inst, i) => {
    const at: PathSegment[] = ['instances', i];
    if (seen.has(inst.name)) err([...at, 'name'], 'value', { code: 'invalid', problem: `another instance is already named "${inst.name}"; names must be unique`, given: inst.name });
    seen.add(inst.name);
    if (!(inst.output in raw.outputs)) {
      const allowed = Object.keys(raw.outputs);
      const suggestions = suggest(inst.output, allowed);
      err([...at, 'output'], 'value', { code: 'reference', problem: `no output named "${inst.output}" in outputs${didYouMean(suggestions)}`, given: inst.output, allowed, suggestions });
    }
    term(inst.initial.term_a, [...at, 'initial', 'term_a']);
    term(inst.initial.term_b, [...at, 'initial', 'term_b']);
    const bindings: Binding[] = [];
    inst.bindings.forEach((b, j) => {
      const built = binding(b, [...at, 'bindings', j]);
      if (built) bindings.push(built);
    });
    instances.push({
      name: inst.name,
      output: inst.output,
      index: inst.index,
      ...(inst.description !== undefined ? { description: inst.description } : {}),
      initial: { termA: inst.initial.term_a, termB: inst.initial.term_b, alpha: inst.initial.alpha, strength: inst.initial.strength, bypass: inst.initial.bypass },
      bindings,
    });
  });

  /** The control a `source` names, or null (with an error) when the input or control does not exist. */
  function control(sourceText: string, at: PathSegment[]): { input: string; control: Control } | 'unknown' | null {
    const dot = sourceText.indexOf('.');
    const inputName = sourceText.slice(0, dot);
    const controlId = sourceText.slice(dot + 1);
    if (!(inputName in raw.inputs)) {
      const allowed = Object.keys(raw.inputs);
      const suggestions = suggest(inputName, allowed);
      err(at, 'value', { code: 'reference', problem: `no input named "${inputName}" in inputs${didYouMean(suggestions)}`, given: sourceText, allowed, suggestions });
      return null;
    }
    const prof = inputProfiles.get(inputName);
    if (!prof) return 'unknown'; // its profile failed to load; that error is already reported
    const c = prof.controls.get(controlId);
    if (!c) {
      const allowed = [...prof.controls.keys()];
      const suggestions = suggest(controlId, allowed).map((s) => `${inputName}.${s}`);
      err(at, 'value', { code: 'reference', problem: `input "${inputName}" (${prof.name}) has no control "${controlId}"${didYouMean(suggestions)}`, given: sourceText, allowed: allowed.map((s) => `${inputName}.${s}`), suggestions });
      return null;
    }
    return { input: inputName, control: c };
  }

  function binding(b: RawBinding, at: PathSegment[]): Binding | null {
    const found = control(b.source, [...at, 'source']);
    if (b.target === 'term_a' || b.target === 'term_b') {
      if (b.value !== undefined) term(b.value, [...at, 'value']);
      if (Array.isArray(b.step_through)) b.step_through.forEach((t, k) => term(t, [...at, 'step_through', k]));
    }
    if (b.target === 'preset') {
      if (b.value.term_a !== undefined) term(b.value.term_a, [...at, 'value', 'term_a']);
      if (b.value.term_b !== undefined) term(b.value.term_b, [...at, 'value', 'term_b']);
      if (Object.keys(b.value).length === 0) err([...at, 'value'], 'value', { code: 'missing_key', problem: 'a preset sets at least one of term_a, term_b, alpha, strength, bypass', allowed: ['term_a', 'term_b', 'alpha', 'strength', 'bypass'] });
    }
    if (found === null || found === 'unknown') return null;
    const c = found.control;
    const kind = c.value;
    const absolute = kind === 'continuous' || kind === 'discrete';
    const pressable = absolute || kind === 'trigger';
    const wrongControl = (needs: string) => {
      err([...at, 'source'], 'value', { code: 'invalid', problem: `${b.source} sends ${describe(kind)}, but target ${b.target} needs ${needs}`, given: b.source });
      return null;
    };
    const src = { input: found.input, control: c.id, value: kind };
    let target: BindingTarget;
    switch (b.target) {
      case 'alpha':
      case 'strength': {
        const range = b.range ?? [0, 1];
        if (b.range && !(range[0] < range[1])) err([...at, 'range'], 'value', { code: 'invalid', problem: 'range is [low, high] with low < high; use reverse: true to flip the direction', given: b.range });
        if (absolute) {
          if (b.step !== undefined) err([...at, 'step'], 'key', { code: 'invalid', problem: `step is for relative controls (encoders); ${b.source} is absolute`, given: b.step });
          target = { target: b.target, glue: { control: 'absolute', takeover: b.takeover ?? DEFAULT_TAKEOVER, curve: curveOf(b.curve), reverse: b.reverse ?? false, range: [range[0], range[1]] } };
        } else if (kind === 'relative') {
          if (b.takeover !== undefined) err([...at, 'takeover'], 'key', { code: 'invalid', problem: `takeover is for absolute controls; ${b.source} is a relative encoder, which never jumps`, given: b.takeover });
          if (b.curve !== undefined) err([...at, 'curve'], 'key', { code: 'invalid', problem: `curve is for absolute controls; ${b.source} is a relative encoder (set step: instead)`, given: b.curve });
          target = { target: b.target, glue: { control: 'relative', step: b.step ?? DEFAULT_STEP, reverse: b.reverse ?? false, range: [range[0], range[1]] } };
        } else {
          return wrongControl('a fader, knob or encoder');
        }
        break;
      }
      case 'term_a':
      case 'term_b':
        if (b.value !== undefined && b.step_through !== undefined) {
          err([...at, 'step_through'], 'key', { code: 'invalid', problem: 'give value: (a button sets one term) or step_through: (an encoder steps through terms), not both', allowed: ['value', 'step_through'] });
          return null;
        }
        if (b.value !== undefined) {
          if (!pressable) return wrongControl('a button (a term in value: is set on press)');
          target = { target: b.target, set: { kind: 'fixed', term: b.value } };
        } else if (b.step_through !== undefined) {
          if (!(absolute || kind === 'relative')) return wrongControl('an encoder, knob or fader to step through terms');
          target = { target: b.target, set: { kind: 'step', through: b.step_through === 'vocabulary' ? 'vocabulary' : [...b.step_through] } };
        } else {
          if (kind !== 'text') return wrongControl('a control that sends text (OSC type s); for a button add value: <term>, for an encoder add step_through: vocabulary');
          target = { target: b.target, set: { kind: 'text' } };
        }
        break;
      case 'swap':
      case 'dump':
        if (!pressable) return wrongControl('a button or trigger');
        target = { target: b.target };
        break;
      case 'preset':
        if (!pressable) return wrongControl('a button or trigger');
        target = {
          target: 'preset',
          value: {
            ...(b.value.term_a !== undefined ? { termA: b.value.term_a } : {}),
            ...(b.value.term_b !== undefined ? { termB: b.value.term_b } : {}),
            ...(b.value.alpha !== undefined ? { alpha: b.value.alpha } : {}),
            ...(b.value.strength !== undefined ? { strength: b.value.strength } : {}),
            ...(b.value.bypass !== undefined ? { bypass: b.value.bypass } : {}),
          },
        };
        break;
      case 'bypass':
        if (b.mode === 'toggle' ? !pressable : !absolute) return wrongControl(b.mode === 'toggle' ? 'a button or trigger' : `a button that reports release (mode ${b.mode})`);
        target = { target: 'bypass', mode: b.mode };
        break;
    }
    return { source: src, ...target };
  }

  const value: Mapping = {
    kind: 'mapping',
    version: raw.version,
    name: raw.name,
    ...(raw.description !== undefined ? { description: raw.description } : {}),
    file: source.file,
    inputs,
    outputs,
    instances,
    onExit: raw.on_exit,
  };
  return { value, errors };
}

function curveOf(c: 'linear' | 'log' | 'exp' | 's-curve' | number | undefined): Curve {
  if (c === undefined) return { kind: 'linear' };
  if (typeof c === 'number') return { kind: 'power', exponent: c };
  return { kind: c };
}

function describe(kind: Control['value']): string {
  switch (kind) {
    case 'continuous':
      return 'absolute continuous values (a fader)';
    case 'discrete':
      return 'absolute steps (a fader, knob or button)';
    case 'relative':
      return 'relative increments (an encoder)';
    case 'text':
      return 'text';
    case 'trigger':
      return 'a trigger without a value';
  }
}
