import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { initText, parseChannels } from '../../src/cli/init.js';
import { UsageError } from '../../src/cli/errors.js';
import { loadModelOption, mappingTerms } from '../../src/cli/model-option.js';
import { PACKAGE_ROOT } from '../../src/data/paths.js';
import { loadMapping, loadTargetProfile } from '../../src/profiles/load.js';
import { eqmorph } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'eqmorph-init-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const names = (kind: string) => readdirSync(join(PACKAGE_ROOT, 'firmware-profiles', kind)).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));
const CONTROLLERS = names('controllers');
const TARGETS = names('targets');
const model = loadModelOption(undefined);

/** Writes what init gives and loads it as run would: profiles found, every control and term known. */
async function written(file: string, choices: Parameters<typeof initText>[0]) {
  writeFileSync(file, await initText({ ...choices, out: file }));
  return loadMapping(file, { knownTerms: mappingTerms(await model) });
}

async function hostFor(target: string): Promise<string | undefined> {
  const t = await loadTargetProfile(join(PACKAGE_ROOT, 'firmware-profiles', 'targets', `${target}.yaml`));
  return t.transport === 'midi' ? undefined : '127.0.0.1:9100';
}

test('init writes a mapping that loads for every shipped controller and target', async () => {
  assert.ok(CONTROLLERS.length >= 7 && TARGETS.length >= 6);
  for (const controller of CONTROLLERS) {
    for (const target of TARGETS) {
      const host = await hostFor(target);
      const m = await written(join(dir, `${controller}--${target}.yaml`), { controller, target, channels: '1', ...(host ? { host } : {}) });
      assert.equal(m.instances.length, 1, `${controller} -> ${target}`);
      assert.ok(m.instances[0]!.bindings.some((b) => b.target === 'alpha'), `${controller} -> ${target} has an alpha control`);
      assert.match(m.outputs.get('eq')!.profile.file, new RegExp(`targets/${target}\\.yaml$`));
    }
  }
});

test('with several channels every morph gets its own strip, and no control drives two morphs', async () => {
  const m = await written(join(dir, 'nano-x32.yaml'), { controller: 'korg-nanokontrol2', target: 'behringer-x32-channel', host: '10.0.0.5', channels: '1-8' });
  assert.deepEqual(m.instances.map((i) => i.index), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(m.outputs.get('eq')!.connection, { transport: 'osc', send: { host: '10.0.0.5', port: 10023 } });
  const owners = new Map<string, string>();
  for (const inst of m.instances) {
    for (const b of inst.bindings.filter((x) => x.target !== 'dump')) {
      assert.equal(owners.get(b.source.control), undefined, `${b.source.control} drives ${owners.get(b.source.control)} and ${inst.name}`);
      owners.set(b.source.control, inst.name);
    }
    const n = inst.index;
    assert.deepEqual(inst.bindings.filter((b) => b.target === 'alpha' || b.target === 'term_a').map((b) => b.source.control), [`fader${n}`, `solo${n}`]);
  }
});

// eqmorph's own OSC surface, TouchOSC's page and the X-Touch Mini have one fader each; the others have a row of them.
const ONE_FADER = ['eqmorph-osc', 'touchosc', 'behringer-x-touch-mini'];

test('every shipped controller with a row of faders takes two channels', async () => {
  for (const controller of CONTROLLERS.filter((c) => !ONE_FADER.includes(c))) {
    const m = await written(join(dir, `${controller}-two.yaml`), { controller, target: 'behringer-x32-bus', channels: '3,4' });
    assert.deepEqual(m.instances.map((i) => i.index), [3, 4], controller);
  }
});

test('a controller with one fader refuses more channels than it can drive', async () => {
  for (const controller of ONE_FADER) {
    await assert.rejects(initText({ controller, target: 'eqmorph-osc', channels: '1-2' }), (e: unknown) => e instanceof UsageError && /can drive 1 morph \(one fader for alpha each\) and --channels names 2; name at most 1$/.test(e.message), controller);
  }
});

test('a target whose profile names no port needs HOST:PORT, and a MIDI target takes no host', async () => {
  await assert.rejects(initText({ controller: 'touchosc', target: 'generic-osc-eq', host: '10.0.0.9', channels: '1' }), /give it as --host 10\.0\.0\.9:PORT/);
  await assert.rejects(initText({ controller: 'touchosc', target: 'generic-midi-cc', host: '10.0.0.9', channels: '1' }), /is a MIDI target/);
});

test('--channels reads ranges and lists, and refuses anything else', () => {
  assert.deepEqual(parseChannels('1-8'), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(parseChannels('2-4,7, 3'), [2, 3, 4, 7]);
  for (const bad of ['0', '4-2', 'a', '1-', '']) assert.throws(() => parseChannels(bad), UsageError, bad);
});

test('eqmorph init with flags writes the file, refuses to overwrite it, and validate accepts it', async () => {
  const file = join(dir, 'cli.yaml');
  const r = await eqmorph('init', '--controller', 'akai-midimix', '--target', 'behringer-xair-channel', '--host', '192.168.0.40', '--channels', '1-4', '--out', file);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*cli\.yaml\nnext: eqmorph validate /);
  assert.match((await eqmorph('validate', file)).stdout, /^ok {2}.*cli\.yaml \(mapping, /);
  const again = await eqmorph('init', '--controller', 'akai-midimix', '--out', file);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /cli\.yaml exists; choose another file/);
});
