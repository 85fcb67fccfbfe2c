// Profiles move forward through an ordered list of pure migrations; a version newer than this eqmorph is refused.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProfileErrors } from '../../src/profiles/errors.js';
import { parseControllerProfile } from '../../src/profiles/load.js';
import { migrate, MIGRATIONS, type Migration } from '../../src/profiles/migrate.js';

// A synthetic history: version 1 called the controls `buttons`; version 2 renamed them `controls`.
const RENAME: Migration = {
  from: 1,
  summary: '`buttons` renamed to `controls`',
  up: ({ buttons, ...rest }) => ({ ...rest, controls: buttons }),
};

test('version 1 is current, so the shipped list is empty', () => {
  assert.deepEqual(MIGRATIONS, []);
  const doc = { version: 1, kind: 'controller' };
  assert.deepEqual(migrate(doc), { ok: true, doc, applied: [] });
});

test('a migration runs for an older version, sets the new version and leaves its input untouched', () => {
  const doc = { version: 1, kind: 'controller', buttons: { a: 1 } };
  const copy = structuredClone(doc);
  const out = migrate(doc, [RENAME], 2);
  assert.deepEqual(out, { ok: true, doc: { version: 2, kind: 'controller', controls: { a: 1 } }, applied: [RENAME] });
  assert.deepEqual(doc, copy);
});

test('migrations chain in order of their from-version', () => {
  const addName: Migration = { from: 2, summary: 'name required', up: (d) => ({ name: 'unnamed', ...d }) };
  const out = migrate({ version: 1, buttons: {} }, [addName, RENAME], 3);
  assert.ok(out.ok);
  assert.deepEqual(out.doc, { name: 'unnamed', version: 3, controls: {} });
  assert.deepEqual(out.applied, [RENAME, addName]);
});

test('a gap in the list is reported rather than skipped', () => {
  const out = migrate({ version: 1 }, [], 2);
  assert.equal(out.ok, false);
  assert.equal(!out.ok && out.reason, 'no_path');
});

test('a version newer than supported says to upgrade eqmorph', () => {
  const out = migrate({ version: 5 }, [], 1);
  assert.equal(out.ok, false);
  assert.match(!out.ok ? out.message : '', /newer than this eqmorph reads \(1\); upgrade eqmorph/);
});

test('a version that is not a whole number from 1 is refused', () => {
  for (const version of [0, 1.5, '1', null]) assert.equal(migrate({ version }).ok, false);
});

test('the loader runs the migration list it is given and reports a missing step at the version', () => {
  const text = 'version: 1\nkind: controller\nname: old\n';
  let ran = 0;
  const counting: Migration = { from: 1, summary: 'counts', up: (d) => (ran++, d) };
  assert.throws(() => parseControllerProfile(text, 'old.yaml', { migrations: [counting], currentVersion: 2 }), ProfileErrors);
  assert.equal(ran, 1);
  try {
    parseControllerProfile(text, 'old.yaml', { migrations: [], currentVersion: 2 });
  } catch (err) {
    assert.ok(err instanceof ProfileErrors);
    assert.deepEqual([err.errors[0]?.code, err.errors[0]?.path, err.errors[0]?.line], ['version', 'version', 1]);
    assert.match(err.message, /no migration from version 1 to 2/);
  }
});

test('a too-new version in a file is a located ProfileError', () => {
  try {
    parseControllerProfile('kind: controller\nversion: 9\n', 'new.yaml');
    assert.fail('should throw');
  } catch (err) {
    assert.ok(err instanceof ProfileErrors);
    const e = err.errors.find((x) => x.path === 'version');
    assert.deepEqual([e?.code, e?.line, e?.column, e?.given], ['version', 2, 10, 9]);
  }
});
