// The out_of_range option of OSC controls: read from YAML, defaulted, refused when misspelled, and in the JSON Schema.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseControllerProfile } from '../../src/profiles/load.js';
import { jsonSchemas } from '../../src/profiles/json-schema.js';
import type { OscControl } from '../../src/profiles/types.js';

const yaml = (extra: string) => `version: 1
kind: controller
name: surface
transport: osc
controls:
  fader: { osc: { address: /fader, type: f, min: 0, max: 1 }${extra} }
`;

const fader = (text: string) => parseControllerProfile(text, '/tmp/surface.yaml').controls.get('fader') as OscControl;

test('out_of_range defaults to clamp and reads ignore', () => {
  assert.equal(fader(yaml('')).outOfRange, 'clamp');
  assert.equal(fader(yaml(', out_of_range: ignore')).outOfRange, 'ignore');
});

test('an unknown out_of_range value is a located error naming what is allowed', () => {
  assert.throws(() => fader(yaml(', out_of_range: wrap')), (err: Error) => /out_of_range/.test(err.message) && /clamp/.test(err.message) && /ignore/.test(err.message) && /:6:/.test(err.message));
});

test('the controller JSON Schema offers out_of_range with both values', () => {
  const text = jsonSchemas()['controller.schema.json'];
  assert.match(text, /"out_of_range"/);
  assert.match(text, /"clamp",\s*"ignore"/);
});
