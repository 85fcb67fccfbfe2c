// eqmorph's decoder network evaluated in plain JavaScript, one latent point at a time: a fraction of a millisecond where a tfjs call costs its fixed overhead.

import { GAIN_RANGE, PARAMS } from '../eq/bands.js';
import type * as tf from '../model/tf.js';

/** One layer of the network as this evaluator runs it, reading its inputs by layer name. */
export type Step =
  | { readonly kind: 'dense'; readonly name: string; readonly input: string; readonly kernel: Float32Array; readonly bias: Float32Array | null; readonly units: number; readonly relu: boolean }
  | { readonly kind: 'norm'; readonly name: string; readonly input: string; readonly gamma: Float32Array | null; readonly beta: Float32Array | null; readonly epsilon: number }
  | { readonly kind: 'same'; readonly name: string; readonly input: string }
  | { readonly kind: 'add'; readonly name: string; readonly inputs: readonly string[] }
  | { readonly kind: 'relu'; readonly name: string; readonly input: string }
  | { readonly kind: 'heads'; readonly name: string; readonly input: string };

/** A DenseDecoder as plain data (see toData). */
export interface DenseDecoderData {
  readonly steps: readonly Step[];
  readonly inputName: string;
  readonly output: string;
}

/** How far the evaluator may differ from tfjs (float32 there, float64 here): dB for gains, a ratio for frequency and Q. */
const TOLERANCE = 1e-3;

const IS_GAIN = PARAMS.map((p) => p.kind === 'gain');
const LN_LO = PARAMS.map((p) => (p.kind === 'gain' ? 0 : Math.log(p.range.min)));
const LN_SPAN = PARAMS.map((p) => (p.kind === 'gain' ? 0 : Math.log(p.range.max / p.range.min)));

interface LayerLike {
  readonly name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
  readonly inboundNodes: readonly { readonly inboundLayers: readonly { readonly name: string }[] }[];
}

/** The network's layers as steps, or null where a layer is one this evaluator does not know (then tfjs decodes). */
function stepsOf(model: tf.LayersModel): Step[] | null {
  const steps: Step[] = [];
  for (const layer of model.layers as unknown as LayerLike[]) {
    const name = layer.name;
    const inputs = layer.inboundNodes[0]?.inboundLayers.map((l) => l.name) ?? [];
    const input = inputs[0]!;
    const config = layer.getConfig();
    const weights = () => layer.getWeights().map((w) => w.dataSync() as Float32Array);
    switch (layer.getClassName()) {
      case 'InputLayer':
        break;
      case 'Dense': {
        const activation = config.activation;
        if (activation !== 'relu' && activation !== 'linear') return null;
        const [kernel, bias] = weights();
        steps.push({ kind: 'dense', name, input, kernel: kernel!, bias: bias ?? null, units: Number(config.units), relu: activation === 'relu' });
        break;
      }
      case 'LayerNormalization': {
        const axis = config.axis as number[] | number;
        if (!(axis === -1 || (Array.isArray(axis) && axis.length === 1 && (axis[0] === -1 || axis[0] === 1)))) return null;
        const w = weights();
        const gamma = config.scale ? w.shift()! : null;
        const beta = config.center ? w.shift()! : null;
        steps.push({ kind: 'norm', name, input, gamma, beta, epsilon: Number(config.epsilon) });
        break;
      }
      case 'EqmorphLayerNorm': {
        // The same normalisation over the last axis, always with a scale and an offset (src/model/layer-norm.ts).
        const [gamma, beta] = weights();
        steps.push({ kind: 'norm', name, input, gamma: gamma!, beta: beta!, epsilon: Number(config.epsilon) });
        break;
      }
      case 'EqmorphSeededDropout':
      case 'Dropout':
        // Dropout is the identity at inference.
        steps.push({ kind: 'same', name, input });
        break;
      case 'Add':
        steps.push({ kind: 'add', name, inputs });
        break;
      case 'Activation':
        if (config.activation === 'relu') steps.push({ kind: 'relu', name, input });
        else if (config.activation === 'linear') steps.push({ kind: 'same', name, input });
        else return null;
        break;
      case 'EqmorphParamHeads':
        steps.push({ kind: 'heads', name, input });
        break;
      default:
        return null;
    }
  }
  return steps;
}

/**
 * The decoder (latent point -> 13 physical parameters, the decoder's own band order), run step by step in float64.
 * `from` checks it against tfjs on a few points and gives null where they differ, so a network this evaluator does
 * not match (a new layer, another head) is decoded by tfjs as before.
 */
export class DenseDecoder {
  private constructor(
    private readonly steps: readonly Step[],
    private readonly inputName: string,
    private readonly output: string,
  ) {}

  static from(model: tf.LayersModel, check: { zs: readonly (readonly number[])[]; tfjs: (zs: readonly (readonly number[])[]) => number[][] }): DenseDecoder | null {
    let steps: Step[] | null;
    try {
      steps = stepsOf(model);
    } catch {
      return null;
    }
    const inputName = (model.inputLayers[0] as unknown as { name: string } | undefined)?.name;
    const output = (model.outputLayers[0] as unknown as { name: string } | undefined)?.name;
    if (!steps || !inputName || !output) return null;
    const d = new DenseDecoder(steps, inputName, output);
    const want = check.tfjs(check.zs);
    const agrees = check.zs.every((z, i) => {
      const got = d.decode(z);
      return got.length === PARAMS.length && got.every((v, j) => (IS_GAIN[j] ? Math.abs(v - want[i]![j]!) : Math.abs(v / want[i]![j]! - 1)) <= TOLERANCE);
    });
    return agrees ? d : null;
  }

  /** The evaluator's layers as plain data (typed arrays and strings), which a worker thread can be sent. */
  toData(): DenseDecoderData {
    return { steps: this.steps, inputName: this.inputName, output: this.output };
  }

  /** An evaluator from `toData`'s result, in a worker thread: the network was checked against tfjs where it was made. */
  static fromData(data: DenseDecoderData): DenseDecoder {
    return new DenseDecoder(data.steps, data.inputName, data.output);
  }

  /** Writes each step's output into its own buffer, allocated on first use: a decode allocates only its result. */
  private readonly buffers = new Map<string, Float64Array>();

  private buffer(name: string, length: number): Float64Array {
    let b = this.buffers.get(name);
    if (!b || b.length !== length) this.buffers.set(name, (b = new Float64Array(length)));
    return b;
  }

  decode(z: ArrayLike<number>): Float64Array {
    const input = this.buffer(this.inputName, z.length);
    for (let i = 0; i < z.length; i++) input[i] = z[i]!;
    const get = (n: string) => this.buffers.get(n)!;
    for (const s of this.steps) {
      switch (s.kind) {
        case 'dense': {
          const x = get(s.input);
          const out = this.buffer(s.name, s.units);
          if (s.bias) out.set(s.bias);
          else out.fill(0);
          const k = s.kernel;
          const units = s.units;
          for (let i = 0; i < x.length; i++) {
            const xi = x[i]!;
            if (xi === 0) continue;
            const row = i * units;
            for (let j = 0; j < units; j++) out[j]! += xi * k[row + j]!;
          }
          if (s.relu) for (let j = 0; j < units; j++) if (out[j]! < 0) out[j] = 0;
          break;
        }
        case 'norm': {
          const x = get(s.input);
          const out = this.buffer(s.name, x.length);
          let mean = 0;
          for (let j = 0; j < x.length; j++) mean += x[j]!;
          mean /= x.length;
          let variance = 0;
          for (let j = 0; j < x.length; j++) variance += (x[j]! - mean) ** 2;
          variance /= x.length;
          const inv = 1 / Math.sqrt(variance + s.epsilon);
          for (let j = 0; j < x.length; j++) out[j] = (x[j]! - mean) * inv * (s.gamma ? s.gamma[j]! : 1) + (s.beta ? s.beta[j]! : 0);
          break;
        }
        case 'same':
          this.buffer(s.name, get(s.input).length).set(get(s.input));
          break;
        case 'add': {
          const first = get(s.inputs[0]!);
          const out = this.buffer(s.name, first.length);
          out.set(first);
          for (let n = 1; n < s.inputs.length; n++) {
            const x = get(s.inputs[n]!);
            for (let j = 0; j < out.length; j++) out[j]! += x[j]!;
          }
          break;
        }
        case 'relu': {
          const x = get(s.input);
          const out = this.buffer(s.name, x.length);
          for (let j = 0; j < x.length; j++) out[j] = x[j]! > 0 ? x[j]! : 0;
          break;
        }
        case 'heads': {
          // As the model's ParamHeads layer: gains tanh x the gain limit; frequency and Q a sigmoid onto their log range.
          const x = get(s.input);
          const out = this.buffer(s.name, x.length);
          for (let j = 0; j < x.length; j++) out[j] = IS_GAIN[j] ? Math.tanh(x[j]!) * GAIN_RANGE.max : Math.exp((1 / (1 + Math.exp(-x[j]!))) * LN_SPAN[j]! + LN_LO[j]!);
          break;
        }
      }
    }
    return Float64Array.from(get(this.output));
  }
}
