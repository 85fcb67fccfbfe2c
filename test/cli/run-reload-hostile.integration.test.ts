import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { startCaughtRun, type CaughtRun } from '../support/caught-run.js';
import { until } from '../support/until.js';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { loadMapping, MAX_PROFILE_BYTES } from '../../src/profiles/load.js';
import { ProfileErrors } from '../../src/profiles/errors.js';

// Mappings that are too big, slow to parse, or point at files that are not profiles, against a running bridge on 127.0.0.1.
const controller = resolve('firmware-profiles/controllers/eqmorph-osc.yaml');
const target = resolve('firmware-profiles/targets/eqmorph-osc.yaml');
const mapping = (bindings: string, surface = controller) => `version: 1
kind: mapping
name: hostile reload
inputs:
  surface: { profile: ${surface}, osc: { listen: 127.0.0.1:19000 } }
outputs:
  eq: { profile: ${target}, osc: { send: 127.0.0.1:19001 } }
instances:
  - name: main
    output: eq
    initial: { term_a: warm, term_b: bright }
    bindings:
      - { source: surface.alpha, target: alpha, takeover: jump }
${bindings}`;

let dir: string;
let file: string;
let bridge: CaughtRun;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eqmorph-hostile-'));
  file = join(dir, 'm.yaml');
  writeFileSync(file, mapping(''));
  bridge = await startCaughtRun({ mapping: file, rehearse: 0 });
});
after(async () => {
  await bridge.stop();
  rmSync(dir, { recursive: true });
});

const alphaOut = async (v: number) => {
  await bridge.send(encodeOscMessage('/eqmorph/alpha', [v], 'f'));
  await until(`alpha ${v}`, () => bridge.run.bridge().state().get('main')!.alpha === Math.fround(v), 10_000);
};

test('a mapping over 1 MiB is refused before it is parsed, and the running one stays', async () => {
  writeFileSync(file, mapping(`# ${'x'.repeat(MAX_PROFILE_BYTES)}\n`));
  assert.equal(await bridge.run.reload(), false);
  assert.ok(bridge.log.some((l) => /may be at most 1048576 bytes/.test(l)), bridge.log.join('\n'));
  await alphaOut(0.3);
});

test('a big valid mapping is parsed off the fader path: the fader moves while the reload is still running', async () => {
  const lines = '      - { source: surface.alpha, target: alpha, takeover: jump }\n';
  writeFileSync(file, mapping(lines.repeat(Math.floor((MAX_PROFILE_BYTES - 2000) / lines.length))));
  let done = false;
  const reloading = bridge.run.reload().finally(() => (done = true));
  await alphaOut(0.6);
  assert.equal(done, false, 'the fader waited for the reload');
  assert.equal(await reloading, true);
});

test('a profile path to a file that is not YAML (or a link to one) is refused without quoting it', async () => {
  const link = join(dir, 'innocent.yaml');
  symlinkSync('/etc/passwd', link);
  for (const surface of ['/etc/passwd', link, join(dir, '../../../../../../../etc/passwd')]) {
    writeFileSync(file, mapping('', surface));
    const err = await loadMapping(file).catch((e: unknown) => e);
    assert.ok(err instanceof ProfileErrors);
    assert.match(err.message, /is not a \.yaml or \.yml file/);
    assert.doesNotMatch(err.message, /root:/);
  }
});

test('a YAML profile that is not a profile is quoted by at most the start of its first line', async () => {
  const text = join(dir, 'notes.yaml');
  writeFileSync(text, `${'secret '.repeat(40)}\nsecond line that must not be shown\n`);
  writeFileSync(file, mapping('', text));
  const err = (await loadMapping(file).catch((e: unknown) => e)) as Error;
  assert.doesNotMatch(err.message, /second line/);
  assert.ok(err.message.split('\n').every((l) => l.length < 400), err.message);
});
