// Every kind of profile problem is reported as a ProfileError naming file, line, column, YAML path, given value and what is allowed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ProfileError, ProfileErrors } from '../../src/profiles/errors.js';
import { loadControllerProfile, loadMapping, parseControllerProfile, parseMapping, parseTargetProfile } from '../../src/profiles/load.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const FILE = resolve('surface.yaml');

async function problems(fn: () => unknown): Promise<ProfileError[]> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof ProfileErrors, `expected ProfileErrors, got ${String(err)}`);
    assert.ok(err.errors.every((e) => e instanceof ProfileError));
    return [...err.errors];
  }
  assert.fail('expected the load to fail');
}

function only(errors: ProfileError[], path: string): ProfileError {
  const found = errors.filter((e) => e.path === path);
  assert.equal(found.length, 1, `one error at ${path}; got:\n${errors.map((e) => e.message).join('\n')}`);
  return found[0]!;
}

/** 1-based [line, column] of the first `needle` on 1-based line `line` of `text`, so expectations read like the YAML. */
function at(text: string, line: number, needle: string): [number, number] {
  const col = text.split('\n')[line - 1]!.indexOf(needle);
  assert.ok(col >= 0, `"${needle}" on line ${line}`);
  return [line, col + 1];
}

const fixtureText = (p: string) => readFileSync(join(FIXTURES, p), 'utf8');

const controller = (controls: string) => `version: 1
kind: controller
name: test surface
transport: midi
controls:
${controls}`;

test('an unknown key is reported at the key, with a did-you-mean and the allowed keys', async () => {
  const errs = await problems(() => parseControllerProfile(controller('  f1: { midi: { type: cc, chanel: 1, number: 0 } }\n'), FILE));
  assert.equal(errs.length, 1, 'the misspelt key is not also reported as missing');
  const e = only(errs, 'controls.f1.midi.chanel');
  assert.deepEqual([e.code, e.file, e.line, e.column], ['unknown_key', FILE, 6, 27]);
  assert.deepEqual(e.suggestions, ['channel']);
  assert.deepEqual(e.allowed, ['type', 'channel', 'number', 'relative']);
  assert.equal(e.message, `${FILE}:6:27: controls.f1.midi.chanel: unknown key "chanel"; did you mean "channel"? (given "chanel"; allowed: type, channel, number, relative)`);
});

test('a control of the wrong transport is an unknown key that names the right one', async () => {
  const e = only(await problems(() => parseControllerProfile(controller('  f1:\n    osc: { address: /a, type: f }\n'), FILE)), 'controls.f1.osc');
  assert.deepEqual([e.code, e.line, e.column], ['unknown_key', 7, 5]);
  assert.match(e.message, /transport is midi/);
});

test('a value of the wrong type is reported at the value with what is expected', async () => {
  const text = controller('  f1: { midi: { type: cc, channel: 1, number: "x" } }\n');
  const e = only(await problems(() => parseControllerProfile(text, FILE)), 'controls.f1.midi.number');
  assert.deepEqual([e.code, e.line, e.column, e.given], ['wrong_type', ...at(text, 6, '"x"'), 'x']);
  assert.match(e.message, /expected a number, got a string/);
});

test('a MIDI channel outside 1..16 is out of range', async () => {
  const text = controller('  f1: { midi: { type: cc, channel: 17, number: 0 } }\n');
  const e = only(await problems(() => parseControllerProfile(text, FILE)), 'controls.f1.midi.channel');
  assert.deepEqual([e.code, e.line, e.column, e.given], ['out_of_range', ...at(text, 6, '17'), 17]);
  assert.match(e.message, /must be <= 16 \(given 17\)/);
});

test('a missing required key is reported at the key that should hold it', async () => {
  const e = only(await problems(() => parseControllerProfile(controller('  f1:\n    midi:\n      type: note\n      number: 3\n'), FILE)), 'controls.f1.midi.channel');
  assert.deepEqual([e.code, e.line, e.column, e.hasGiven], ['missing_key', 7, 5, false]);
  assert.match(e.message, /missing required key "channel"/);
});

test('a bad enum value lists the allowed values and suggests the closest', async () => {
  const text = controller('  f1: { midi: { type: cc, channel: 1, number: 0, relative: twos-compliment } }\n');
  const e = only(await problems(() => parseControllerProfile(text, FILE)), 'controls.f1.midi.relative');
  assert.deepEqual([e.code, e.line, e.column, e.given], ['bad_value', ...at(text, 6, 'twos-'), 'twos-compliment']);
  assert.deepEqual(e.allowed, ['twos-complement', 'offset-64', 'sign-magnitude']);
  assert.deepEqual(e.suggestions, ['twos-complement']);
  assert.match(e.message, /allowed: twos-complement, offset-64, sign-magnitude\)$/);
});

test('a bad tag of a tagged union lists the tags', async () => {
  const e = only(await problems(() => parseControllerProfile(controller('  f1: { midi: { type: ccc, channel: 1 } }\n'), FILE)), 'controls.f1.midi.type');
  assert.deepEqual([e.code, e.line, e.column], ['bad_value', 6, 23]);
  assert.deepEqual(e.allowed, ['cc', 'cc14', 'note', 'pitchbend', 'nrpn', 'program']);
  assert.deepEqual(e.suggestions, ['cc']);
});

test('a duplicate key is reported at its second occurrence', async () => {
  const errs = await problems(() => parseControllerProfile(controller('  f1: { midi: { type: pitchbend, channel: 1 } }\n  f1: { midi: { type: pitchbend, channel: 2 } }\n'), FILE));
  const e = only(errs, 'controls.f1');
  assert.deepEqual([e.code, e.line, e.column], ['duplicate_key', 7, 3]);
});

test('a YAML syntax error is reported with its line and column', async () => {
  const errs = await problems(() => parseControllerProfile('version: 1\nkind: controller\nname: x\ncontrols: { a: 1, ]\n', FILE));
  assert.deepEqual([errs[0]?.code, errs[0]?.file, errs[0]?.line, errs[0]?.column], ['syntax', FILE, 4, 19]);
  assert.match(errs[0]!.message, /surface\.yaml:4:19: YAML syntax: Flow map .* end with a \}$/);
});

test('a version newer than this eqmorph says to upgrade', async () => {
  const e = only(await problems(() => parseControllerProfile('version: 2\nkind: controller\nname: x\n', FILE)), 'version');
  assert.deepEqual([e.code, e.line, e.column, e.given], ['version', 1, 10, 2]);
  assert.match(e.message, /upgrade eqmorph/);
});

test('a missing version and an unknown kind are both reported', async () => {
  const errs = await problems(() => parseControllerProfile('kind: controler\nname: x\n', FILE));
  assert.deepEqual(only(errs, 'kind').suggestions, ['controller']);
  assert.equal(only(errs, 'version').code, 'missing_key');
});

test('a profile of another kind is refused where a controller is needed', async () => {
  const e = only(await problems(() => parseControllerProfile('version: 1\nkind: target\nname: x\n', FILE)), 'kind');
  assert.deepEqual([e.code, e.line, e.column, e.given, e.allowed], ['bad_value', 2, 7, 'target', ['controller']]);
});

test('two controls on the same MIDI message are an error at the second', async () => {
  const e = only(await problems(() => parseControllerProfile(controller('  a: { midi: { type: cc14, channel: 1, number: 7 } }\n  b: { midi: { type: cc, channel: 1, number: 39 } }\n'), FILE)), 'controls.b.midi');
  assert.equal(e.line, 7);
  assert.match(e.message, /already used by control "a"/);
});

test('target: a MIDI parameter needs one number per band and a scaling to steps', async () => {
  const text = `version: 1
kind: target
name: t
transport: midi
bands: [lowshelf, peaking, highshelf]
parameters:
  gain: { midi: { type: cc, channel: 1, numbers: [1, 2] }, scaling: { kind: physical } }
band_overrides: { 4: { q: null } }
`;
  const errs = await problems(() => parseTargetProfile(text, 't.yaml'));
  assert.deepEqual(pick(only(errs, 'parameters.gain.midi.numbers')), ['out_of_range', ...at(text, 7, '[1, 2]')]);
  assert.deepEqual(pick(only(errs, 'parameters.gain.scaling.kind')), ['bad_value', ...at(text, 7, 'physical')]);
  assert.deepEqual(pick(only(errs, 'band_overrides.4')).slice(0, 2), ['out_of_range', 8]);
});

test('target: an address without {band} shared by several bands is an error naming the fix', async () => {
  const text = `version: 1
kind: target
name: t
transport: osc
bands: [peaking, peaking]
parameters:
  gain: { osc: { address: /gain } }
`;
  const e = only(await problems(() => parseTargetProfile(text, 't.yaml')), 'parameters.gain.osc.address');
  assert.equal(e.line, 7);
  assert.match(e.message, /put \{band\} in the address/);
});

const pick = (e: ProfileError) => [e.code, e.line, e.column];

test('mapping: references to missing controls, inputs, outputs and files are located and suggest names', async () => {
  const file = join(FIXTURES, 'invalid/mapping-bad-refs.yaml');
  const errs = await problems(() => loadMapping(file));
  assert.ok(errs.every((e) => e.file === file));
  const control = only(errs, 'instances[0].bindings[0].source');
  assert.deepEqual(pick(control), ['reference', 15, 19]);
  assert.deepEqual(control.suggestions, ['nano.fader1', 'nano.mfader']);
  assert.ok(control.allowed.includes('nano.knob1'));
  assert.deepEqual(pick(only(errs, 'instances[0].bindings[4].source')), ['reference', 19, 19]);
  const output = only(errs, 'instances[0].output');
  assert.deepEqual([...pick(output), output.suggestions], ['reference', 12, 13, ['eq']]);
  assert.deepEqual(pick(only(errs, 'inputs.ghost.profile')), ['reference', 7, 21]);
});

test('mapping: takeover on a relative control is an error at the takeover key', async () => {
  const errs = await problems(() => loadMapping(join(FIXTURES, 'invalid/mapping-bad-refs.yaml')));
  const e = only(errs, 'instances[0].bindings[1].takeover');
  assert.deepEqual(pick(e), ['invalid', 16, 49]);
  assert.match(e.message, /relative encoder/);
});

test('mapping: a binding whose control cannot drive its target says what the target needs', async () => {
  const errs = await problems(() => loadMapping(join(FIXTURES, 'invalid/mapping-bad-refs.yaml')));
  assert.match(only(errs, 'instances[0].bindings[3].source').message, /sends text, but target swap needs a button/);
  assert.match(only(errs, 'instances[0].bindings[5].source').message, /step_through: vocabulary/);
});

test('mapping: the transport block must match the profile, and host:port must parse', async () => {
  const errs = await problems(() => loadMapping(join(FIXTURES, 'invalid/mapping-bad-refs.yaml')));
  assert.deepEqual(pick(only(errs, 'outputs.eq.midi')), ['invalid', 9, 42]);
  const listen = only(errs, 'inputs.surface.osc.listen');
  assert.deepEqual([...pick(listen), listen.given], ['bad_value', 6, 71, 'localhost:99999']);
});

test('mapping: unknown terms are errors with the suggestions knownTerms gives', async () => {
  const vocab = ['warm', 'bright', 'clear'];
  const knownTerms = (t: string) => vocab.includes(t) || { suggestions: vocab.filter((v) => [...v].sort().join() === [...t].sort().join()) };
  const errs = await problems(() => loadMapping(join(FIXTURES, 'invalid/mapping-bad-refs.yaml'), { knownTerms }));
  const a = only(errs, 'instances[0].initial.term_a');
  assert.deepEqual([...pick(a), a.given, a.suggestions], ['unknown_term', 13, 24, 'wram', ['warm']]);
  assert.match(a.message, /does not know the term "wram"; did you mean "warm"\?/);
  const b = only(errs, 'instances[0].bindings[2].value');
  assert.deepEqual([...pick(b), b.suggestions], ['unknown_term', ...at(fixtureText('invalid/mapping-bad-refs.yaml'), 17, 'brigth'), ['bright']]);
});

test('mapping: unknown terms are not checked without knownTerms', async () => {
  const errs = await problems(() => loadMapping(join(FIXTURES, 'invalid/mapping-bad-refs.yaml')));
  assert.ok(!errs.some((e) => e.code === 'unknown_term'));
});

test('mapping: a referenced profile of the wrong kind is reported in both files', async () => {
  const file = join(FIXTURES, 'invalid/target-as-controller.yaml');
  const errs = await problems(() => loadMapping(file));
  assert.ok(errs.some((e) => e.file === join(FIXTURES, 'targets/osc-eq.yaml') && e.path === 'kind'));
  assert.deepEqual(pick(only(errs, 'inputs.surface.profile')), ['reference', 5, 23]);
});

test('mapping: target-specific glue keys are unknown on other targets', async () => {
  const text = `version: 1
kind: mapping
name: m
outputs: { eq: { profile: ../targets/osc-eq.yaml, osc: {} } }
instances:
  - name: main
    output: eq
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: a.b, target: swap, takeover: pickup }
      - { source: a.b, target: alfa }
`;
  const errs = await problems(() => parseMapping(text, join(FIXTURES, 'mappings/inline.yaml')));
  const e = only(errs, 'instances[0].bindings[0].takeover');
  assert.deepEqual(pick(e), ['unknown_key', ...at(text, 10, 'takeover')]);
  assert.deepEqual(e.allowed, ['source', 'target']);
  const t = only(errs, 'instances[0].bindings[1].target');
  assert.deepEqual([...pick(t), t.suggestions], ['bad_value', ...at(text, 11, 'alfa'), ['alpha']]);
});

test('an unreadable file is an io error naming the file', async () => {
  const errs = await problems(() => loadControllerProfile(join(FIXTURES, 'nope.yaml')));
  assert.deepEqual([errs[0]?.code, errs[0]?.file, errs[0]?.line], ['io', join(FIXTURES, 'nope.yaml'), 0]);
  assert.equal(errs[0]?.message, `${join(FIXTURES, 'nope.yaml')}: no such file`);
});
