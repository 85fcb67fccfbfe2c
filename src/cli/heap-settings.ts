// The real-time process's V8 heap settings (docs/performance.md), made again when a worker thread starts.

import { setFlagsFromString } from 'node:v8';

/**
 * Two GC heuristics that V8 reads as it goes, so they work when set at run time:
 * - the young generation stays at its initial 1 MB per semi-space: collections come more often, each much shorter, and
 *   less memory stays resident;
 * - no memory reducer: V8 otherwise collects a thread's whole heap, to give memory back, seconds after its allocation
 *   slows down (a desk's tables built, a burst over), and in the OSC input's reader thread such collections held the
 *   faders' datagrams for 11-12 ms. Heaps keep what they grew to instead (docs/performance.md).
 */
const FLAGS = '--semi-space-growth-factor=1 --no-memory-reducer';
let wanted = false;

/** For `eqmorph run`: bin/eqmorph.js sets them before anything else loads. */
export function useRealtimeHeapSettings(): void {
  wanted = true;
  setFlagsFromString(FLAGS);
}

/**
 * Starting a worker thread puts V8's settings back to their defaults until it is online (Node 20; seen with the young
 * generation's): a process that asked for these asks again once a worker is online.
 */
export function afterWorkerStart(): void {
  if (wanted) setFlagsFromString(FLAGS);
}
