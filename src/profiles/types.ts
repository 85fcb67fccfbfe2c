// The typed profile objects the rest of eqmorph trusts after loading: channels 0..15, addresses checked, ports parsed, paths absolute.

import type { ControlValue } from '../codecs/control-value.js';
import type { BandType, ParamKind } from '../eq/bands.js';
import type { AllowEntry } from './allow.js';

export type ProfileKind = 'controller' | 'target' | 'mapping';
export type Transport = 'midi' | 'osc';
export type RelativeEncoding = 'twos-complement' | 'offset-64' | 'sign-magnitude';

/** A MIDI channel 0..15 (the wire value); YAML files write 1..16 and the loader subtracts 1. */
export type MidiChannel = number;

/**
 * What a control's movements decode to: one of ControlValue's kinds, or `trigger` for a message without a value
 * (an OSC address without arguments). Bindings are checked against this.
 */
export type ControlValueKind = ControlValue['kind'] | 'trigger';

// ---------------------------------------------------------------- controller

/** A MIDI message a control sends. `channel` is 0..15. */
export type MidiControlMessage =
  | { readonly type: 'cc'; readonly channel: MidiChannel; readonly number: number; readonly relative?: RelativeEncoding }
  /** 14-bit CC: MSB on `msb` (0..31), LSB on `lsb` = msb + 32. */
  | { readonly type: 'cc14'; readonly channel: MidiChannel; readonly msb: number; readonly lsb: number }
  | { readonly type: 'note'; readonly channel: MidiChannel; readonly number: number }
  | { readonly type: 'pitchbend'; readonly channel: MidiChannel }
  | { readonly type: 'nrpn'; readonly channel: MidiChannel; readonly number: number; readonly bits: 7 | 14; readonly relative?: RelativeEncoding }
  | { readonly type: 'program'; readonly channel: MidiChannel };

/** An OSC message a control sends; `f` and `i` values are scaled from min..max. */
export type OscControlMessage =
  | { readonly address: string; readonly type: 'f'; readonly min: number; readonly max: number }
  | { readonly address: string; readonly type: 'i'; readonly min: number; readonly max: number }
  | { readonly address: string; readonly type: 's' }
  | { readonly address: string; readonly type: 'none' };

interface ControlCommon {
  /** The control's id in the profile, e.g. "fader1". */
  readonly id: string;
  readonly value: ControlValueKind;
  /** For `discrete` controls: the largest step (127 for a 7-bit CC, 16383 for 14-bit). */
  readonly maxStep?: number;
  /** The control can show a value sent back to it (LED ring, motor fader, lit button). */
  readonly feedback: boolean;
  readonly description?: string;
}

export interface MidiControl extends ControlCommon {
  readonly transport: 'midi';
  readonly midi: MidiControlMessage;
  /** The message a touch-sensitive fader sends while touched and released, channel 0..15. */
  readonly touch?: { readonly type: 'note' | 'cc'; readonly channel: MidiChannel; readonly number: number };
  /** Feedback goes to an LED ring on this CC (the control's channel) as a mode+position byte instead of the control's own message. */
  readonly ring?: { readonly number: number; readonly mode: RingMode };
}

export type RingMode = 'dot' | 'boost-cut' | 'wrap' | 'spread';

export interface OscControl extends ControlCommon {
  readonly transport: 'osc';
  readonly osc: OscControlMessage;
  /** A number outside min..max is moved to the nearest end (`clamp`) or dropped (`ignore`). */
  readonly outOfRange: 'clamp' | 'ignore';
}

export type Control = MidiControl | OscControl;

interface ProfileCommon {
  readonly version: number;
  readonly name: string;
  readonly description?: string;
  /** Absolute path of the file it was loaded from. */
  readonly file: string;
}

export type ControllerProfile = ProfileCommon & { readonly kind: 'controller' } & (
    | { readonly transport: 'midi'; readonly controls: ReadonlyMap<string, MidiControl> }
    | { readonly transport: 'osc'; readonly controls: ReadonlyMap<string, OscControl> }
  );

// ---------------------------------------------------------------- target

/** How a physical value (dB, Hz, Q) becomes a wire value. The non-physical kinds have the shapes of codecs/scale.ts's `Scaling`. */
export type Scaling =
  | { readonly kind: 'linear'; readonly min: number; readonly max: number; readonly steps?: number; readonly invert?: boolean }
  | { readonly kind: 'log'; readonly min: number; readonly max: number; readonly steps?: number; readonly invert?: boolean }
  | { readonly kind: 'table'; readonly values: readonly number[] }
  /** The wire carries round(physical x factor) as an integer (Yamaha: hundredths of a dB, tenths of a Hz). */
  | { readonly kind: 'fixed-point'; readonly factor: number; readonly min: number; readonly max: number };
/** `physical` sends dB, Hz or Q as they are, within min..max where the profile gives them. */
export type TargetScaling = { readonly kind: 'physical'; readonly min?: number; readonly max?: number } | Scaling;

/** One band parameter's wire message. OSC addresses have {band} filled in; {instance} is left for formatAddress. */
export type TargetWire =
  | { readonly transport: 'osc'; readonly address: string; readonly type: 'f' | 'i' | 's' }
  | { readonly transport: 'midi'; readonly type: 'cc'; readonly channel: MidiChannel; readonly number: number }
  | { readonly transport: 'midi'; readonly type: 'cc14'; readonly channel: MidiChannel; readonly msb: number; readonly lsb: number }
  | { readonly transport: 'midi'; readonly type: 'nrpn'; readonly channel: MidiChannel; readonly number: number; readonly bits: 7 | 14 };

export interface TargetParam {
  readonly wire: TargetWire;
  readonly scaling: TargetScaling;
}

export interface TargetTypeParam {
  readonly wire: TargetWire;
  /** The wire value for each band type this target uses. */
  readonly values: Readonly<Partial<Record<BandType, number | string>>>;
}

export interface TargetBand {
  /** 1-based, as in addresses and band_overrides. */
  readonly number: number;
  readonly type: BandType;
  /** null where the target has no such parameter for this band. */
  readonly params: Readonly<Record<ParamKind, TargetParam | null>>;
  readonly bandType: TargetTypeParam | null;
}

/** A fixed message (EQ on, keepalive). MIDI channel 0..15. */
export type FixedMessage =
  | { readonly transport: 'osc'; readonly address: string; readonly type: 'i' | 'f' | 's' | 'none'; readonly value?: number | string }
  | {
      readonly transport: 'midi';
      readonly type: 'cc' | 'note' | 'nrpn' | 'program';
      readonly channel: MidiChannel;
      readonly number?: number;
      readonly value: number;
    };

export interface TargetProfile extends ProfileCommon {
  readonly kind: 'target';
  /** `rcp`: Yamaha's remote control protocol over TCP; its messages are an address and a value like OSC's. */
  readonly transport: Transport | 'rcp';
  readonly bands: readonly TargetBand[];
  readonly on?: FixedMessage;
  readonly keepalive?: { readonly message: FixedMessage; readonly everyMs: number };
  readonly limits?: { readonly messagesPerSecond?: number; readonly bytesPerSecond?: number };
  /** OSC and rcp: the port the device listens on (UDP, TCP), when the profile names it. */
  readonly port?: number;
  /** The target reports changes of these parameters at their own addresses; with `query`, an address alone asks for its value. */
  readonly reports?: { readonly parameters: ReadonlySet<ParamKind | 'type'>; readonly query: boolean };
}

// ---------------------------------------------------------------- mapping

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** How to find a MIDI port by name. */
export type PortMatcher =
  | { readonly kind: 'exact'; readonly name: string }
  | { readonly kind: 'glob'; readonly pattern: string; readonly regex: RegExp }
  | { readonly kind: 'regex'; readonly regex: RegExp }
  | { readonly kind: 'virtual'; readonly name: string };

export type InputConnection =
  | { readonly transport: 'osc'; readonly listen: HostPort; readonly feedback?: HostPort; readonly allow?: readonly AllowEntry[] }
  | { readonly transport: 'midi'; readonly port: PortMatcher; readonly outputPort?: PortMatcher };

export type OutputConnection =
  | { readonly transport: 'osc'; readonly send: HostPort; readonly listen?: HostPort }
  | { readonly transport: 'midi'; readonly port: PortMatcher }
  | { readonly transport: 'rcp'; readonly connect: HostPort };

export interface MappingInput {
  readonly name: string;
  readonly profile: ControllerProfile;
  readonly connection: InputConnection;
}

export type DeskEditPolicy = 'override' | 'yield' | 'follow';

export interface MappingOutput {
  readonly name: string;
  readonly profile: TargetProfile;
  readonly connection: OutputConnection;
  /** Only for a target with `reports`: what an edit made on the desk does to eqmorph's driving of that parameter. */
  readonly onDeskEdit?: DeskEditPolicy;
}

export type TakeoverMode = 'jump' | 'pickup' | 'scale';
export type Curve = { readonly kind: 'linear' | 'log' | 'exp' | 's-curve' } | { readonly kind: 'power'; readonly exponent: number };

/** Where a binding reads from: an input of the mapping and a control of that input's profile. */
export interface BindingSource {
  readonly input: string;
  readonly control: string;
  /** The control's decoded kind, copied from its profile. */
  readonly value: ControlValueKind;
}

export interface MorphPreset {
  readonly termA?: string;
  readonly termB?: string;
  readonly alpha?: number;
  readonly strength?: number;
  readonly bypass?: boolean;
}

/**
 * A binding's target with its glue, tagged by `target`. Continuous glue differs by control:
 * absolute controls carry `takeover` and `curve`, relative controls carry `step`.
 */
export type BindingTarget =
  | {
      readonly target: 'alpha' | 'strength';
      readonly glue:
        | { readonly control: 'absolute'; readonly takeover: TakeoverMode; readonly curve: Curve; readonly reverse: boolean; readonly range: readonly [number, number] }
        | { readonly control: 'relative'; readonly step: number; readonly reverse: boolean; readonly range: readonly [number, number] };
    }
  | { readonly target: 'term_a' | 'term_b'; readonly set: { readonly kind: 'text' } | { readonly kind: 'fixed'; readonly term: string } | { readonly kind: 'step'; readonly through: 'vocabulary' | readonly string[] } }
  | { readonly target: 'swap' }
  | { readonly target: 'dump' }
  | { readonly target: 'preset'; readonly value: MorphPreset }
  | { readonly target: 'bypass'; readonly mode: 'toggle' | 'momentary' | 'set' };

export type Binding = { readonly source: BindingSource } & BindingTarget;

export interface MorphInstance {
  readonly name: string;
  /** Name of an output of the mapping. */
  readonly output: string;
  /** Substituted for {instance} in target addresses. */
  readonly index: number;
  readonly description?: string;
  readonly initial: { readonly termA: string; readonly termB: string; readonly alpha: number; readonly strength: number; readonly bypass: boolean };
  readonly bindings: readonly Binding[];
}

export interface Mapping extends ProfileCommon {
  readonly kind: 'mapping';
  readonly inputs: ReadonlyMap<string, MappingInput>;
  readonly outputs: ReadonlyMap<string, MappingOutput>;
  readonly instances: readonly MorphInstance[];
  readonly onExit: 'hold' | 'flat';
}

export type AnyProfile = ControllerProfile | TargetProfile | Mapping;

/** Answers whether the model knows a term: true, false, or "no, but maybe one of these". */
export type KnownTerms = (term: string) => boolean | { readonly suggestions: readonly string[] };

export interface LoadMappingOptions {
  readonly knownTerms?: KnownTerms;
}
