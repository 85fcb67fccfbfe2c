// Chooses the TensorFlow.js backend once per process: tfjs-node where it loads, else WASM (binary shipped in npm), else plain CPU.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from './tf.js';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  readonly name: BackendName;
  /** Why the faster backends were not used, for the startup line. */
  readonly notes: readonly string[];
}

const require = createRequire(import.meta.url);
let chosen: Promise<BackendInfo> | null = null;

async function tryNode(notes: string[]): Promise<boolean> {
  try {
    // tfjs-node is optional: npm may install it without its native library, so any failure means "not here".
    require('@tensorflow/tfjs-node');
    if (await tf.setBackend('tensorflow')) return true;
    notes.push('tfjs-node loaded but its backend did not start');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    notes.push(code === 'MODULE_NOT_FOUND' ? 'tfjs-node not installed' : `tfjs-node unusable: ${(err as Error).message.split('\n')[0]}`);
  }
  return false;
}

async function tryWasm(notes: string[]): Promise<boolean> {
  try {
    // required, not imported, for the reason tf.ts gives
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
    wasm.setWasmPaths(join(dir, 'dist') + '/');
    // Threads need a worker setup tfjs does not provide under Node; SIMD is enough here.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (await tf.setBackend('wasm')) return true;
    notes.push('wasm backend did not start');
  } catch (err) {
    notes.push(`wasm backend unusable: ${(err as Error).message.split('\n')[0]}`);
  }
  return false;
}

/**
 * Picks and initialises the backend. EQMORPH_BACKEND=tensorflow|wasm|cpu forces one (falling back if it fails).
 * Safe to call many times: the choice is made once.
 */
export function initBackend(): Promise<BackendInfo> {
  chosen ??= (async () => {
    const notes: string[] = [];
    const forced = process.env.EQMORPH_BACKEND as BackendName | undefined;
    if (forced === 'cpu') {
      await tf.setBackend('cpu');
      return { name: 'cpu', notes: ['forced by EQMORPH_BACKEND'] };
    }
    if (forced !== 'wasm' && (await tryNode(notes))) return { name: 'tensorflow', notes };
    if (await tryWasm(notes)) return { name: 'wasm', notes };
    await tf.setBackend('cpu');
    await tf.ready();
    return { name: 'cpu', notes };
  })();
  return chosen;
}

export { tf };
