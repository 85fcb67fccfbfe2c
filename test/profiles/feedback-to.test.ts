// A controller's feedback_to: where a control's value is shown when that is not the control's own message.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileErrors } from '../../src/profiles/errors.js';
import { parseControllerProfile } from '../../src/profiles/load.js';
import type { MidiControl } from '../../src/profiles/types.js';

const profile = (control: string) => `version: 1\nkind: controller\nname: t\ntransport: midi\ncontrols:\n  enc: ${control}\n`;

test('feedback_to is read with channel 0..15 and min/max defaulting to 0..127', () => {
  const p = parseControllerProfile(profile('{ midi: { type: cc, channel: 1, number: 16, relative: sign-magnitude }, feedback: true, feedback_to: { type: cc, channel: 2, number: 48 } }'), 't.yaml');
  assert.deepEqual((p.controls.get('enc') as MidiControl).feedbackTo, { type: 'cc', channel: 1, number: 48, min: 0, max: 127 });
});

test('feedback_to without feedback: true is an error naming the key, not silently ignored', () => {
  assert.throws(
    () => parseControllerProfile(profile('{ midi: { type: cc, channel: 1, number: 16 }, feedback_to: { type: cc, channel: 1, number: 48, min: 33, max: 43 } }'), 't.yaml'),
    (e: unknown) => e instanceof ProfileErrors && e.errors.length === 1 && e.errors[0]!.problem.includes('feedback: true') && e.errors[0]!.line === 6,
  );
});

test('feedback_to takes cc or note only, and data bytes 0..127', () => {
  assert.throws(() => parseControllerProfile(profile('{ midi: { type: cc, channel: 1, number: 16 }, feedback: true, feedback_to: { type: pitchbend, channel: 1, number: 0 } }'), 't.yaml'), ProfileErrors);
  assert.throws(() => parseControllerProfile(profile('{ midi: { type: cc, channel: 1, number: 16 }, feedback: true, feedback_to: { type: cc, channel: 1, number: 48, max: 128 } }'), 't.yaml'), ProfileErrors);
});

test('a control without feedback_to has none', () => {
  const p = parseControllerProfile(profile('{ midi: { type: cc, channel: 1, number: 16 }, feedback: true }'), 't.yaml');
  assert.equal('feedbackTo' in (p.controls.get('enc') as MidiControl), false);
});
