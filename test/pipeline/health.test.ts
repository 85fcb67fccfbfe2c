// What --stats prints: a desk's edits on its output's line, apart from the reasons messages were dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { of } from 'rxjs';
import { healthLines, transportHealth, withDeskEdits } from '../../src/pipeline/health.js';
import type { BridgeCounters } from '../../src/pipeline/bridge.js';

const counts = { in: 49, out: 1200, dropped: 0, errors: 0, reconnects: 0, malformed: 0 };
const output = { status$: of({ state: 'open' as const }), counters: () => counts };
const bridge = { events: 0, sent: 0, unknownAddress: 0, badArgument: 0, clamped: 0, outOfRange: 0, malformed: 0, rejected: 0, errors: 0, resyncs: 0, feedbackSent: 0, echoesDropped: 0, deskEdits: 3 } as BridgeCounters;

test('an output whose desk reports edits shows them as desk edits, never among the dropped reasons', () => {
  const [line] = healthLines(transportHealth([{ name: 'x32', direction: 'out', transport: withDeskEdits(output, () => 3) }], bridge));
  assert.equal(line, 'stats: out x32 open: in 49, out 1200, dropped 0, errors 0, reconnects 0, desk edits 3');
});

test('an output without a reporting desk has no desk edits on its line', () => {
  const [line] = healthLines(transportHealth([{ name: 'eq', direction: 'out', transport: withDeskEdits(output, () => undefined) }], bridge));
  assert.equal(line, 'stats: out eq open: in 49, out 1200, dropped 0, errors 0, reconnects 0');
});
