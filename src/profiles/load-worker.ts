// Worker thread: loads one mapping (read, parse, validate, build) and posts it back, so a big or slow file never holds up the fader.

import { parentPort, workerData } from 'node:worker_threads';
import { closestTerms, lookupTerm } from '../model/vocabulary.js';
import { loadMapping } from './load.js';
import { LOAD_THREAD, leaveRealtime, nameThisThread } from '../system/scheduling.js';

nameThisThread(LOAD_THREAD);
// A mapping may be large or hostile: its parse is no fader's business, even under a realtime bridge.
await leaveRealtime();

const { file, known, suggest } = workerData as { file: string; known: string[]; suggest: string[] };
const knownTerms = (t: string) => (lookupTerm(t, known).ok ? true : { suggestions: closestTerms(t, suggest) });
try {
  parentPort!.postMessage({ ok: true, mapping: await loadMapping(file, { knownTerms }) });
} catch (err) {
  parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
