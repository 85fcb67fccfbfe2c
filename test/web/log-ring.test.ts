import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ControlEvent, ControlValue } from '../../src/codecs/control-value.js';
import type { BridgeLogEntry } from '../../src/pipeline/bridge.js';
import { LogRing } from '../../src/web/log-ring.js';
import { eventLine, LOG_LINES, type LogLine } from '../../src/web/view-model.js';
import { positionArb } from '../support/arbitraries.js';

const value: fc.Arbitrary<ControlValue> = fc.oneof(
  positionArb.map((v) => ({ kind: 'continuous' as const, value: v })),
  fc.integer({ min: 1, max: 16383 }).chain((max) => fc.integer({ min: 0, max }).map((step) => ({ kind: 'discrete' as const, step, max }))),
  fc.integer({ min: -64, max: 63 }).map((delta) => ({ kind: 'relative' as const, delta })),
  fc.string({ maxLength: 12 }).map((v) => ({ kind: 'text' as const, value: v })),
);
const event: fc.Arbitrary<ControlEvent> = fc.record({ input: fc.constantFrom('surface', 'web', 'hw'), control: fc.constantFrom('alpha', 'fader1', 'main/termA'), value, raw: fc.constant([]), time: fc.constant(0) });
const entry: fc.Arbitrary<BridgeLogEntry> = fc.record({ level: fc.constantFrom('info' as const, 'warn' as const), text: fc.string({ maxLength: 20 }) });
const message = fc.oneof(event.map((e) => ({ e })), entry.map((l) => ({ l })));

test('the ring shows exactly what a list of the newest LOG_LINES lines would, for any mix of events and bridge entries', () => {
  fc.assert(
    fc.property(fc.array(message, { maxLength: 3 * LOG_LINES }), (msgs) => {
      const ring = new LogRing();
      const naive: LogLine[] = [];
      msgs.forEach((m, t) => {
        if ('e' in m) {
          ring.pushEvent(m.e, t);
          naive.push(eventLine(m.e, t));
        } else {
          ring.pushEntry(m.l, t);
          naive.push({ time: t, level: m.l.level, text: m.l.text });
        }
      });
      assert.deepEqual(ring.lines(), naive.slice(-LOG_LINES));
    }),
  );
});

test('each push returns a new change marker', () => {
  const ring = new LogRing();
  const e: ControlEvent = { input: 'surface', control: 'alpha', value: { kind: 'continuous', value: 0.5 }, raw: [], time: 0 };
  assert.deepEqual([ring.pushEvent(e, 1), ring.pushEntry({ level: 'warn', text: 'x' }, 2), ring.pushEvent(e, 3)], [1, 2, 3]);
  assert.equal(ring.lines().length, 3);
});
