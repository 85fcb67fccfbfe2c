// Bundles the compiled CLI (dist/) into dist/bundle/, which bin/eqmorph.js runs.
//
// Loading `eqmorph run` as tsc left it is about 500 files (eqmorph's modules, rxjs's, yaml's, zod's, ws's), and Node
// resolves, reads and links each on its own: about half of the command's start-up went there (docs/performance.md).
// One file per entry plus shared chunks loads in a fraction of that. TensorFlow.js stays outside: its packages are
// already bundles, loaded with require (src/model/tf.ts), and the WASM backend finds its binaries next to its package.
//
// Entries are flat, in one folder, under the names the code starts them by: a worker is started as './fit-worker.js'
// next to the module that starts it, in dist/morph/ from the compiled files and in dist/bundle/ from the bundle. The
// folder is two levels below the package root, as every compiled file is, so paths such as PACKAGE_ROOT hold in both.

import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const dist = new URL('../dist/', import.meta.url);
const out = new URL('bundle/', dist);
rmSync(out, { recursive: true, force: true });

await build({
  entryPoints: {
    main: new URL('cli/main.js', dist).pathname,
    // bin/eqmorph.js sets V8's heap settings before main loads; run.js makes them again after a worker
    // starts, and only in the same module instance, so both must come from the bundle.
    'heap-settings': new URL('cli/heap-settings.js', dist).pathname,
    'fit-worker': new URL('morph/fit-worker.js', dist).pathname,
    'osc-reader-worker': new URL('transports/osc-reader-worker.js', dist).pathname,
    'load-worker': new URL('profiles/load-worker.js', dist).pathname,
  },
  outdir: out.pathname,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native or loaded at run time by path: tfjs (see above), the MIDI binding, and what only runs from the TypeScript
  // sources (esbuild and tsx, under tests).
  external: ['@tensorflow/*', '@julusian/midi', 'esbuild', 'tsx', 'tsx/*'],
  // CommonJS packages inside an ES module bundle call require (yaml requires 'process'), which ES modules lack.
  banner: { js: "import { createRequire as __eqmorphRequire } from 'node:module'; const require = __eqmorphRequire(import.meta.url);" },
  logLevel: 'warning',
});
