// The one door to TensorFlow.js: every module imports tf from here, so what is loaded (and what it costs at start-up)
// is decided in one place.
//
// Only what runs is loaded: tfjs-core (tensors, ops, the engine), tfjs-layers (the networks) and the CPU backend, which
// registers itself when loaded so that tensors work before backend.ts has chosen (WASM, or tfjs-node; both load there).
// The whole @tensorflow/tfjs bundle also loads the WebGL backend, the graph-model converter and tfjs-data, which Node
// never uses here: about a third of the import time.

import { createRequire } from 'node:module';
import type * as Core from '@tensorflow/tfjs-core';
import type * as Layers from '@tensorflow/tfjs-layers';
import type { Rank, Tensor, TensorLike, TileAttrs } from '@tensorflow/tfjs-core';

// Loaded with require, not import: Node lexes a CommonJS module an ES module imports for its export names, and the
// three bundles are 3 MB of source (about a third of the start-up of `eqmorph run`, measured in docs/performance.md).
// The price: each value used as tf.name is listed below (a name not listed is a type error until it is added); every
// type is exported as it is.
const require = createRequire(import.meta.url);
const core = require('@tensorflow/tfjs-core') as typeof Core;
const layersPackage = require('@tensorflow/tfjs-layers') as typeof Layers;
require('@tensorflow/tfjs-backend-cpu');

export type * from '@tensorflow/tfjs-core';
export type * from '@tensorflow/tfjs-layers';

export const {
  abs,
  AdamOptimizer,
  atanh,
  clone,
  dispose,
  div,
  dropout,
  env,
  exp,
  eye,
  fill,
  gather,
  getBackend,
  grad,
  greater,
  io,
  keep,
  log,
  losses,
  matMul,
  max,
  maximum,
  memory,
  moments,
  neg,
  norm,
  oneHot,
  op,
  pow,
  profile,
  randomNormal,
  randomUniform,
  ready,
  reciprocal,
  reshape,
  rsqrt,
  scalar,
  serialization,
  setBackend,
  sigmoid,
  square,
  squaredDifference,
  stack,
  sub,
  sum,
  tan,
  tanh,
  tensor1d,
  tensor2d,
  tidy,
  tile,
  train,
  variable,
  variableGrads,
  where,
  zeros,
} = core;
export const { initializers, input, layers, loadLayersModel, model } = layersPackage;

// Classes and namespaces above are values; as types, they (or the types of theirs that the code names) are given here.
export type AdamOptimizer = Core.AdamOptimizer;
export declare namespace io {
  export type WeightsManifestEntry = Core.io.WeightsManifestEntry;
}
export declare namespace serialization {
  export type ConfigDict = Core.serialization.ConfigDict;
  export type SerializationMap = Core.serialization.SerializationMap;
}
export declare namespace layers {
  export type Layer = Layers.layers.Layer;
}

const { add, cast, mean, mul, registerGradient, slice, Tile, version_core } = core;
const { version_layers } = layersPackage;

/** The versions in use, named as the whole bundle names them (`tfjs` is the core's: the bundle's own number moves with it). */
export const version = { 'tfjs-core': version_core, 'tfjs-layers': version_layers, tfjs: version_core } as const;

// Chained ops (`a.add(b)`). The whole bundle registers every one of them through an ES module of tfjs-core, which Node
// would load as a second copy of tfjs-core beside the CommonJS one the rest uses (two engines, two backend registries).
// The model code uses these few; they are put on the same Tensor class here, calling the same engine's ops. Another
// chained op is a type error until it is added to both lists (or written tf.op(x, ...)).
declare module '@tensorflow/tfjs-core/dist/tensor.js' {
  interface Tensor<R extends Rank = Rank> {
    add<T extends Tensor>(b: Tensor | TensorLike): T;
    sub<T extends Tensor>(b: Tensor | TensorLike): T;
    mul<T extends Tensor>(b: Tensor | TensorLike): T;
    div<T extends Tensor>(b: Tensor | TensorLike): T;
    toFloat<T extends Tensor>(this: T): T;
    square<T extends Tensor>(this: T): T;
    mean<T extends Tensor>(axis?: number | number[], keepDims?: boolean): T;
    sum<T extends Tensor>(axis?: number | number[], keepDims?: boolean): T;
    slice<T extends Tensor>(this: T, begin: number | number[], size?: number | number[]): T;
  }
}
const proto = core.Tensor.prototype as unknown as Record<string, unknown>;
const binary = { add, sub, mul, div } as const;
for (const [name, op] of Object.entries(binary)) {
  proto[name] ??= function (this: Tensor, b: Tensor | TensorLike) {
    return op(this, b);
  };
}
proto.toFloat ??= function (this: Tensor) {
  return cast(this, 'float32');
};
proto.square ??= function (this: Tensor) {
  return square(this);
};
const reductions = { mean, sum } as const;
for (const [name, op] of Object.entries(reductions)) {
  proto[name] ??= function (this: Tensor, axis?: number | number[], keepDims?: boolean) {
    return op(this, axis, keepDims);
  };
}
proto.slice ??= function (this: Tensor, begin: number | number[], size?: number | number[]) {
  return slice(this, begin, size);
};

/**
 * The gradient of tile(x, reps): the sum of dy's reps tiles. Seen as [reps0, x0, reps1, x1, ...], dy sums over the
 * reps axes in one reduction. tfjs's own gradient adds the tiles one slice at a time, two kernels per tile; the
 * layer normalisation of tfjs-layers tiles its mean, variance, scale and offset to the full batch x width, so
 * training through it ran thousands of kernels per step for this alone.
 */
export function tileGradient(dy: Tensor, xShape: readonly number[], reps: readonly number[]): Tensor {
  const interleaved = xShape.flatMap((size, i) => [reps[i]!, size]);
  return sum(reshape(dy, interleaved), xShape.map((_, i) => 2 * i));
}
registerGradient({
  kernelName: Tile,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const { reps } = attrs as unknown as TileAttrs;
    return { x: () => tileGradient(dy as Tensor, saved[0]!.shape, reps) };
  },
});
