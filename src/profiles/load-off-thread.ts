// Loads a mapping in a worker thread: what a live reload uses, so that parsing never runs on the bridge's event loop.

import { Worker } from 'node:worker_threads';
import type { Mapping } from './types.js';

/** The terms a mapping may name (`known`, hidden words included) and those suggested for a misspelt one. */
export interface TermLists {
  readonly known: readonly string[];
  readonly suggest: readonly string[];
}

/**
 * From the compiled dist/ the worker is a .js file. From src/ (tests, benches, under tsx) it is the .ts beside this
 * one, and a worker does not inherit tsx's loader: it registers it first.
 */
const fromSource = import.meta.url.endsWith('.ts');
const TSX_BOOT = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./load-worker.ts', import.meta.url).href)}); });`;

/**
 * `loadMapping` with the model's vocabulary, run in a worker. Resolves with the mapping (structured-cloned: plain data,
 * Maps and RegExps), or rejects with an Error whose message is the load's, as the same load on this thread would say.
 */
export function loadMappingOffThread(file: string, terms: TermLists): Promise<Mapping> {
  const workerData = { file, known: [...terms.known], suggest: [...terms.suggest] };
  return new Promise((resolve, reject) => {
    const worker = fromSource ? new Worker(TSX_BOOT, { eval: true, workerData }) : new Worker(new URL('./load-worker.js', import.meta.url), { workerData });
    let settled = false;
    worker.once('message', (m: { ok: true; mapping: Mapping } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.mapping);
      else reject(new Error(m.message));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (!settled) reject(new Error(`${file}: could not be loaded (${err.message.split('\n')[0]})`));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`${file}: the loader stopped (exit ${code})`));
    });
  });
}
