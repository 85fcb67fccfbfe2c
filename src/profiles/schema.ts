// The zod schemas of the three YAML profile kinds (controller, target, mapping) exactly as written in the files: snake_case, strict.
// They only validate; turning the validated data into the typed objects the rest of eqmorph trusts is build.ts's job.

import { z } from 'zod';

/** The profile format version this eqmorph reads; older files are migrated forward (migrate.ts). */
export const PROFILE_VERSION = 1;

export const PROFILE_KINDS = ['controller', 'target', 'mapping'] as const;
export const TRANSPORTS = ['midi', 'osc'] as const;
export const BAND_TYPES = ['lowshelf', 'peaking', 'highshelf'] as const;
export const RELATIVE_ENCODINGS = ['twos-complement', 'offset-64', 'sign-magnitude'] as const;
export const TAKEOVER_MODES = ['jump', 'pickup', 'scale'] as const;
export const CURVE_NAMES = ['linear', 'log', 'exp', 's-curve'] as const;
export const BYPASS_MODES = ['toggle', 'momentary', 'set'] as const;
export const ON_EXIT = ['hold', 'flat'] as const;
/** What an output does when the desk reports an edit made on it; the first is the default (docs: "Edits made on the desk"). */
export const DESK_EDIT_POLICIES = ['yield', 'override', 'follow'] as const;
export const OUT_OF_RANGE = ['clamp', 'ignore'] as const;
export const BINDING_TARGETS = ['alpha', 'strength', 'term_a', 'term_b', 'swap', 'preset', 'bypass', 'dump'] as const;

/**
 * Unions that are not tagged (a name or a number, a word or a list) say in one sentence what they accept;
 * the error mapping in load.ts looks the schema up here instead of reporting every alternative's complaint.
 */
export const UNION_DESCRIPTIONS = new WeakMap<object, { problem: string; allowed: readonly string[] }>();

function described<T extends z.ZodType>(schema: T, problem: string, allowed: readonly string[]): T {
  UNION_DESCRIPTIONS.set(schema, { problem, allowed });
  return schema;
}

// ---------------------------------------------------------------- shared pieces

const version = z.literal(PROFILE_VERSION).describe(`profile format version; this eqmorph writes and reads ${PROFILE_VERSION}`);
const name = z.string().min(1).describe('a human-readable name, shown by `eqmorph validate` and the monitor');
const description = z.string().optional().describe('free text');
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must start with a letter or _ and hold only letters, digits, _ and -');
const channel = z.number().int().min(1).max(16).describe('MIDI channel 1..16 as printed on devices');
const data7 = z.number().int().min(0).max(127);
const nrpnNumber = z.number().int().min(0).max(16383);
const cc14Number = z.number().int().min(0).max(31).describe('the MSB controller 0..31; the LSB is number + 32');
const relative = z.enum(RELATIVE_ENCODINGS).describe('this CC/NRPN is an endless encoder sending increments in this convention');
const oscAddress = z
  .string()
  .regex(/^\/[^\s#*,?[\]{}]*$/, 'must start with / and hold no spaces or OSC pattern characters (# * , ? [ ] { })')
  .describe('OSC address, e.g. /eqmorph/alpha');
/** Target addresses may hold {band} and {instance} placeholders, with an optional zero-padding width: {instance:02}. */
const oscAddressTemplate = z
  .string()
  .regex(
    /^\/(?:[^\s#*,?[\]{}]|\{(?:band|instance)(?::0\d)?\})*$/,
    'must start with / and hold no spaces or OSC pattern characters; placeholders are {band}, {instance}, {band:02}, {instance:02}',
  )
  .describe('OSC address; {band} is the 1-based band number and {instance} the mapping instance index, {name:02} zero-pads');
const positive = z.number().positive();
const unit = z.number().min(0).max(1);
const term = z.string().min(1).describe('a term of the model vocabulary, e.g. warm');

// ---------------------------------------------------------------- A. controller profiles

const midiControlSource = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cc'), channel, number: data7, relative: relative.optional() }).describe('7-bit control change: an absolute step of 127, or an encoder'),
  z.strictObject({ type: z.literal('cc14'), channel, number: cc14Number }).describe('14-bit control change pair (MSB number, LSB number + 32)'),
  z.strictObject({ type: z.literal('note'), channel, number: data7 }).describe('note on/off: a button; velocity is the step'),
  z.strictObject({ type: z.literal('pitchbend'), channel }).describe('pitch bend: 14-bit, often a motor fader'),
  z
    .strictObject({ type: z.literal('nrpn'), channel, number: nrpnNumber, bits: z.union([z.literal(7), z.literal(14)]).default(14), relative: relative.optional() })
    .describe('NRPN (CC 99/98 select, 6/38 data)'),
  z.strictObject({ type: z.literal('program'), channel }).describe('program change: a step of 127'),
]);

const midiTouch = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('note'), channel, number: data7 }),
  z.strictObject({ type: z.literal('cc'), channel, number: data7 }),
]);

const feedback = z.boolean().default(false).describe('the control can show a value sent back to it (LED ring, motor fader, lit button)');

export const midiControlSchema = z.strictObject({
  midi: midiControlSource,
  touch: midiTouch.optional().describe('the message a touch-sensitive fader sends while touched (value > 0) and released (0)'),
  feedback,
  ring: z
    .strictObject({ number: data7, mode: z.enum(['dot', 'boost-cut', 'wrap', 'spread']).default('dot') })
    .optional()
    .describe('feedback as an LED ring on this CC (same channel): one byte of mode (bits 5-4) and position 1..11 (bits 3-0), as Mackie V-Pot rings take it'),
  description,
});

const oscControlSource = z.discriminatedUnion('type', [
  z.strictObject({ address: oscAddress, type: z.literal('f'), min: z.number().default(0), max: z.number().default(1) }).describe('float argument over min..max: continuous'),
  z.strictObject({ address: oscAddress, type: z.literal('i'), min: z.number().int().default(0), max: z.number().int().default(1) }).describe('integer argument over min..max: a discrete step'),
  z.strictObject({ address: oscAddress, type: z.literal('s') }).describe('string argument: a word, e.g. a term'),
  z.strictObject({ address: oscAddress, type: z.literal('none') }).describe('no argument: a trigger'),
]);

const outOfRange = z
  .enum(OUT_OF_RANGE)
  .default('clamp')
  .describe('a number outside min..max: clamp moves the control to its end (counted as clamped), ignore drops the message (counted as out of range)');

export const oscControlSchema = z.strictObject({ osc: oscControlSource, feedback, out_of_range: outOfRange, description });

const controllerCommon = {
  version,
  kind: z.literal('controller'),
  name,
  description,
};

export const controllerSchema = z
  .discriminatedUnion('transport', [
    z.strictObject({ ...controllerCommon, transport: z.literal('midi'), controls: z.record(identifier, midiControlSchema).describe('control id -> the MIDI message it sends') }),
    z.strictObject({ ...controllerCommon, transport: z.literal('osc'), controls: z.record(identifier, oscControlSchema).describe('control id -> the OSC message it sends') }),
  ])
  .describe('eqmorph controller profile: what a control surface sends');

// ---------------------------------------------------------------- B. target profiles

const scalingRange = { min: z.number(), max: z.number(), steps: z.number().int().min(2).optional(), invert: z.boolean().optional() };

export const scalingSchema = z
  .discriminatedUnion('kind', [
    z
      .strictObject({ kind: z.literal('physical'), min: z.number().optional(), max: z.number().optional() })
      .describe('send the value in its unit (dB, Hz, Q); min and max, where given, are the range the target accepts'),
    z.strictObject({ kind: z.literal('linear'), ...scalingRange }).describe('physical min..max maps linearly onto the wire range'),
    z.strictObject({ kind: z.literal('log'), ...scalingRange, min: z.number().positive(), max: z.number().positive() }).describe('physical min..max maps logarithmically onto the wire range'),
    z.strictObject({ kind: z.literal('table'), values: z.array(z.number()).min(2) }).describe('values[i] is the physical value of wire step i'),
    z
      .strictObject({ kind: z.literal('fixed-point'), factor: z.number().positive().describe('wire units per physical unit (100: hundredths of a dB)'), min: z.number(), max: z.number() })
      .describe('the wire carries round(physical x factor) as an integer; min..max is the physical range the target accepts'),
  ])
  .superRefine((s, ctx) => {
    if ((s.kind === 'linear' || s.kind === 'log' || s.kind === 'fixed-point') && !(s.min < s.max)) {
      ctx.addIssue({ code: 'custom', path: ['max'], message: `max must be greater than min (${s.min}); use invert: true for a falling scale`, input: s.max });
    }
    if (s.kind === 'table') {
      const up = s.values.every((v, i) => i === 0 || v > s.values[i - 1]!);
      const down = s.values.every((v, i) => i === 0 || v < s.values[i - 1]!);
      if (!up && !down) ctx.addIssue({ code: 'custom', path: ['values'], message: 'table values must rise or fall strictly', input: s.values });
    }
  });

const bandNumbers = (n: z.ZodNumber) => z.array(n.nullable()).min(1).describe('one number per band, in band order; null for a band without this parameter');
const midiParamMany = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cc'), channel, numbers: bandNumbers(data7) }),
  z.strictObject({ type: z.literal('cc14'), channel, numbers: bandNumbers(cc14Number) }),
  z.strictObject({ type: z.literal('nrpn'), channel, numbers: bandNumbers(nrpnNumber), bits: z.union([z.literal(7), z.literal(14)]).default(14) }),
]);
const midiParamOne = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cc'), channel, number: data7 }),
  z.strictObject({ type: z.literal('cc14'), channel, number: cc14Number }),
  z.strictObject({ type: z.literal('nrpn'), channel, number: nrpnNumber, bits: z.union([z.literal(7), z.literal(14)]).default(14) }),
]);
const oscParam = z.strictObject({ address: oscAddressTemplate, type: z.enum(['f', 'i']).default('f') });
const oscTypeParam = z.strictObject({ address: oscAddressTemplate, type: z.enum(['i', 'f', 's']).default('i') });
const typeValues = z
  .strictObject({ lowshelf: z.union([z.number(), z.string()]).optional(), peaking: z.union([z.number(), z.string()]).optional(), highshelf: z.union([z.number(), z.string()]).optional() })
  .describe('the value the target uses for each band type');
const midiTypeValues = z.strictObject({ lowshelf: data7.optional(), peaking: data7.optional(), highshelf: data7.optional() }).describe('the value the target uses for each band type');

const physicalDefault = { kind: 'physical' as const };
const oscParamSchema = z.strictObject({ osc: oscParam, scaling: scalingSchema.default(physicalDefault) });
const oscTypeSchema = z.strictObject({ osc: oscTypeParam, values: typeValues });
const midiParamSchema = z.strictObject({ midi: midiParamMany, scaling: scalingSchema.describe('MIDI carries steps: linear, log or table') });
const midiParamOneSchema = z.strictObject({ midi: midiParamOne, scaling: scalingSchema });
const midiTypeSchema = z.strictObject({ midi: midiParamMany, values: midiTypeValues });
const midiTypeOneSchema = z.strictObject({ midi: midiParamOne, values: midiTypeValues });

/** A Yamaha remote-control address: the parameter path and its indexes, e.g. `MIXER:Current/InCh/PEQ/Band/Gain {instance-1} {band-1}`. */
const rcpAddressTemplate = z
  .string()
  .regex(
    /^[A-Za-z]+:[A-Za-z0-9/]+(?: (?:\d+|\{(?:band|instance)(?:-1)?\}))*$/,
    'must be PATH:Parameter/Path followed by its indexes: numbers or {band}, {instance}, {band-1}, {instance-1} (0-based)',
  )
  .describe('Yamaha remote-control parameter and its indexes; {band-1} and {instance-1} count from 0');
const rcpParam = z.strictObject({ address: rcpAddressTemplate });
const rcpParamSchema = z.strictObject({ rcp: rcpParam, scaling: scalingSchema });
const rcpTypeSchema = z.strictObject({ rcp: rcpParam, values: typeValues });
const rcpFixed = z.strictObject({ rcp: rcpParam, value: z.union([z.number(), z.string()]) });

const bandKey = z.string().regex(/^[1-9]\d*$/, 'band numbers start at 1');

const oscFixed = z.strictObject({
  osc: z.strictObject({ address: oscAddressTemplate, type: z.enum(['i', 'f', 's', 'none']).default('none') }),
  value: z.union([z.number(), z.string()]).optional(),
});
const midiFixedMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('cc'), channel, number: data7 }),
  z.strictObject({ type: z.literal('note'), channel, number: data7 }),
  z.strictObject({ type: z.literal('nrpn'), channel, number: nrpnNumber }),
  z.strictObject({ type: z.literal('program'), channel }),
]);
const midiFixed = z.strictObject({ midi: midiFixedMessage, value: z.number().int().min(0).max(16383).default(127) });
const everyMs = z.number().int().positive().describe('milliseconds between keepalive messages');

const limits = z
  .strictObject({
    messages_per_second: positive.optional().describe('at most this many messages per second reach the target'),
    bytes_per_second: positive.optional().describe('at most this many bytes per second (e.g. 3125 for DIN MIDI)'),
  })
  .describe('what the target can take; the pipeline coalesces to stay inside');

const bands = z.array(z.enum(BAND_TYPES)).min(1).max(32).describe("the target's own band layout, low to high");

const deskReports = z
  .strictObject({
    parameters: z
      .array(z.enum(['type', 'freq', 'gain', 'q']))
      .min(1)
      .default(['type', 'freq', 'gain', 'q'])
      .describe('the parameters whose changes the target reports at their own address, with their own scaling'),
    query: z.boolean().default(false).describe('an address sent without arguments is answered with its value (eqmorph asks at start and on reconnection)'),
  })
  .describe("the desk tells its subscribed clients about changes made on it (an engineer's edit): the output listens on its sending socket");

const targetCommon = { version, kind: z.literal('target'), name, description, bands, limits: limits.optional() };

export const targetSchema = z
  .discriminatedUnion('transport', [
    z.strictObject({
      ...targetCommon,
      transport: z.literal('osc'),
      parameters: z
        .strictObject({ gain: oscParamSchema.optional(), freq: oscParamSchema.optional(), q: oscParamSchema.optional(), type: oscTypeSchema.optional() })
        .describe('per parameter kind, for every band unless band_overrides says otherwise'),
      band_overrides: z
        .record(bandKey, z.strictObject({ gain: oscParamSchema.nullable().optional(), freq: oscParamSchema.nullable().optional(), q: oscParamSchema.nullable().optional(), type: oscTypeSchema.nullable().optional() }))
        .optional()
        .describe('1-based band number -> parameters that differ for that band; null: the band has no such parameter'),
      on: oscFixed.optional().describe('a message that switches the EQ on'),
      keepalive: oscFixed.extend({ every_ms: everyMs }).optional().describe('a message the target needs regularly to keep talking'),
      port: z.number().int().min(1).max(65535).optional().describe('the UDP port the device listens on (eqmorph init writes it into a mapping)'),
      reports: deskReports.optional(),
    }),
    z.strictObject({
      ...targetCommon,
      transport: z.literal('midi'),
      parameters: z
        .strictObject({ gain: midiParamSchema.optional(), freq: midiParamSchema.optional(), q: midiParamSchema.optional(), type: midiTypeSchema.optional() })
        .describe('per parameter kind, one controller or NRPN number per band'),
      band_overrides: z
        .record(bandKey, z.strictObject({ gain: midiParamOneSchema.nullable().optional(), freq: midiParamOneSchema.nullable().optional(), q: midiParamOneSchema.nullable().optional(), type: midiTypeOneSchema.nullable().optional() }))
        .optional()
        .describe('1-based band number -> parameters that differ for that band; null: the band has no such parameter'),
      on: midiFixed.optional().describe('a message that switches the EQ on'),
      keepalive: midiFixed.extend({ every_ms: everyMs }).optional().describe('a message the target needs regularly to keep talking'),
    }),
    z.strictObject({
      ...targetCommon,
      transport: z.literal('rcp'),
      parameters: z
        .strictObject({ gain: rcpParamSchema.optional(), freq: rcpParamSchema.optional(), q: rcpParamSchema.optional(), type: rcpTypeSchema.optional() })
        .describe("per parameter kind, for every band unless band_overrides says otherwise (Yamaha's remote control protocol over TCP)"),
      band_overrides: z
        .record(bandKey, z.strictObject({ gain: rcpParamSchema.nullable().optional(), freq: rcpParamSchema.nullable().optional(), q: rcpParamSchema.nullable().optional(), type: rcpTypeSchema.nullable().optional() }))
        .optional()
        .describe('1-based band number -> parameters that differ for that band; null: the band has no such parameter'),
      on: rcpFixed.optional().describe('a message that switches the EQ on'),
      reports: deskReports.optional(),
      port: z.number().int().min(1).max(65535).optional().describe('the TCP port the desk listens on (eqmorph init writes it into a mapping)'),
    }),
  ])
  .describe('eqmorph target profile: what an EQ accepts');

// ---------------------------------------------------------------- C. mappings

const hostPort = described(
  z.union([z.string().min(1), z.number().int().min(1).max(65535)]).describe('host:port, host, :port or a port number'),
  'expected host:port, a host, :port or a port number',
  ['host:port', 'host', ':port', 'port'],
);
const portPattern = z.string().min(1).describe('a MIDI port: its exact name, a glob with * and ?, or /regex/');
const profilePath = z.string().min(1).describe('path of a profile YAML file, relative to this mapping');

export const mappingInputSchema = z
  .strictObject({
    profile: profilePath,
    description,
    osc: z
      .strictObject({
        listen: hostPort.optional().describe('where to listen (default 0.0.0.0:9000)'),
        feedback: hostPort.optional().describe('where to send feedback for controls with feedback: true'),
        allow: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('who may send to this input: IP addresses and CIDR ranges (e.g. [192.168.1.20, 10.0.0.0/8]); datagrams from anyone else are dropped and counted as "not allowed" (default: anyone)'),
      })
      .optional(),
    midi: z
      .strictObject({
        port: portPattern.optional(),
        virtual: z.string().min(1).optional().describe('open a virtual input port with this name instead'),
        output_port: portPattern.optional().describe('where feedback goes'),
        output_virtual: z.string().min(1).optional().describe('open a virtual output port for feedback with this name'),
      })
      .optional(),
  })
  .describe('a control surface: its controller profile and how to reach it (osc or midi)');

export const mappingOutputSchema = z
  .strictObject({
    profile: profilePath,
    description,
    osc: z
      .strictObject({
        send: hostPort.optional().describe('where the EQ listens (default 127.0.0.1:9001)'),
        listen: hostPort.optional().describe('where to receive the EQ replies, if any'),
      })
      .optional(),
    midi: z.strictObject({ port: portPattern.optional(), virtual: z.string().min(1).optional() }).optional(),
    rcp: z.strictObject({ connect: hostPort.describe("the desk's address; Yamaha desks take remote control on TCP 49280") }).optional(),
    on_desk_edit: z
      .enum(DESK_EDIT_POLICIES)
      .optional()
      .describe('targets that report edits: override (the next move overwrites), yield (leave the edited parameter until its instance is moved again; default) or follow (the monitor shows what the desk holds)'),
  })
  .describe('an EQ: its target profile and how to reach it (osc or midi)');

const source = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*$/, 'must be input.control, e.g. surface.alpha')
  .describe('input.control: an input of this mapping and a control of its profile');

const curve = described(
  z.union([z.enum(CURVE_NAMES), z.number().positive()]).describe('linear, log, exp, s-curve, or a positive exponent'),
  'expected a curve name or a positive exponent',
  [...CURVE_NAMES, '<positive number>'],
);
const continuousGlue = {
  source,
  takeover: z.enum(TAKEOVER_MODES).optional().describe('absolute controls only: what happens when the control and the value disagree (default pickup)'),
  curve: curve.optional(),
  reverse: z.boolean().optional(),
  range: z.tuple([unit, unit]).optional().describe('the part of 0..1 the control covers'),
  step: positive.max(1).optional().describe('relative controls only: change per encoder tick (default 0.01)'),
};
const termGlue = {
  source,
  value: term.optional().describe('a button sets this term'),
  step_through: described(
    z.union([z.literal('vocabulary'), z.array(term).min(2)]).describe('an encoder or fader picks among these terms'),
    'expected vocabulary or a list of at least two terms',
    ['vocabulary', '[term, term, ...]'],
  ).optional(),
};

export const presetSchema = z
  .strictObject({ term_a: term.optional(), term_b: term.optional(), alpha: unit.optional(), strength: unit.optional(), bypass: z.boolean().optional() })
  .describe('the parts of the morph state the button sets');

export const bindingSchema = z.discriminatedUnion('target', [
  z.strictObject({ ...continuousGlue, target: z.literal('alpha') }).describe('the blend between term_a (0) and term_b (1)'),
  z.strictObject({ ...continuousGlue, target: z.literal('strength') }).describe('how much of the EQ is applied (0 flat .. 1 full)'),
  z.strictObject({ ...termGlue, target: z.literal('term_a') }),
  z.strictObject({ ...termGlue, target: z.literal('term_b') }),
  z.strictObject({ source, target: z.literal('swap') }).describe('a button exchanges term_a and term_b'),
  z.strictObject({ source, target: z.literal('preset'), value: presetSchema }),
  z.strictObject({ source, target: z.literal('bypass'), mode: z.enum(BYPASS_MODES).default('toggle') }),
  z.strictObject({ source, target: z.literal('dump') }).describe('re-send every parameter to the output'),
]);

export const instanceSchema = z.strictObject({
  name: identifier.describe('instance name, unique in this mapping'),
  output: identifier.describe('an output of this mapping'),
  index: z.number().int().min(0).default(1).describe('substituted for {instance} in target addresses'),
  description,
  initial: z.strictObject({
    term_a: term,
    term_b: term,
    alpha: unit.default(0),
    strength: unit.default(1),
    bypass: z.boolean().default(false),
  }),
  bindings: z.array(bindingSchema).default([]),
});

export const mappingSchema = z
  .strictObject({
    version,
    kind: z.literal('mapping'),
    name,
    description,
    inputs: z.record(identifier, mappingInputSchema).default({}),
    outputs: z.record(identifier, mappingOutputSchema),
    instances: z.array(instanceSchema).min(1),
    on_exit: z.enum(ON_EXIT).default('hold').describe('on exit: hold the last EQ, or send a flat EQ'),
  })
  .describe('eqmorph mapping: which controls drive which morph instance, and which EQ each instance drives');

export type RawController = z.output<typeof controllerSchema>;
export type RawTarget = z.output<typeof targetSchema>;
export type RawMapping = z.output<typeof mappingSchema>;
export type RawBinding = z.output<typeof bindingSchema>;

export const SCHEMAS = { controller: controllerSchema, target: targetSchema, mapping: mappingSchema } as const;
