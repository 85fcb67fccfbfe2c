import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subject } from 'rxjs';
import type { ControlEvent } from '../../src/codecs/control-value.js';
import { coalesceTerms } from '../../src/pipeline/coalesce-terms.js';

const word = (control: string, value: string): ControlEvent => ({ input: 'in', control, value: { kind: 'text', value }, raw: [value], time: 0 });
const fader = (value: number): ControlEvent => ({ input: 'in', control: 'alpha', value: { kind: 'continuous', value }, raw: [value], time: 0 });
const turn = () => new Promise((r) => setImmediate(r));

test('within one turn only the newest word per control passes, after the turn; fader moves pass at once and in order', async () => {
  const in$ = new Subject<ControlEvent>();
  const out: ControlEvent[] = [];
  in$.pipe(coalesceTerms()).subscribe((e) => out.push(e));
  for (let i = 0; i < 1000; i++) in$.next(word('termA', `w${i}`));
  in$.next(fader(0.25));
  in$.next(word('termB', 'bright'));
  in$.next(fader(0.5));
  assert.deepEqual(out.map((e) => e.value), [fader(0.25).value, fader(0.5).value]);
  await turn();
  await turn();
  assert.deepEqual(out.slice(2).map((e) => [e.control, e.value]), [['termA', { kind: 'text', value: 'w999' }], ['termB', { kind: 'text', value: 'bright' }]]);
  in$.next(word('termA', 'warm'));
  await turn();
  await turn();
  assert.equal(out.length, 5);
});
