// The real-time process's small young generation (docs/performance.md), kept small when a worker thread starts.

import { setFlagsFromString } from 'node:v8';

/**
 * A GC heuristic read at each collection, so it works when set at run time: V8's young generation stays at its
 * initial 1 MB per semi-space (collections more often, each much shorter, and less resident memory).
 */
const FLAG = '--semi-space-growth-factor=1';
let wanted = false;

/** For `eqmorph run`: bin/eqmorph.js sets it before anything else loads. */
export function keepYoungGenerationSmall(): void {
  wanted = true;
  setFlagsFromString(FLAG);
}

/**
 * Starting a worker thread puts this setting back to V8's default (Node 20): a process that asked for the small young
 * generation asks again once a worker is online.
 */
export function afterWorkerStart(): void {
  if (wanted) setFlagsFromString(FLAG);
}
