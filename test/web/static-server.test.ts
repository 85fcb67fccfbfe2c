import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { STATIC_DIR, staticPath } from '../../src/web/static-server.js';

test('the page is found in the static folder (the same path from src/ and from dist/)', () => {
  for (const f of ['index.html', 'app.js', 'draw.js', 'style.css']) assert.ok(existsSync(join(STATIC_DIR, f)), f);
  assert.equal(staticPath(STATIC_DIR, '/'), join(STATIC_DIR, 'index.html'));
  assert.equal(staticPath(STATIC_DIR, '/app.js?token=x'), join(STATIC_DIR, 'app.js'));
});

test('paths outside the folder and file types the page does not use are not served', () => {
  for (const p of ['/../package.json', '/%2e%2e/package.json', '/..%2fsrc/cli/run.ts', '/x.ts', '/%E0%A4%A']) assert.equal(staticPath(STATIC_DIR, p), null, p);
});

test('for all request paths: the file served, if any, is inside the static folder', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('..', '.', 'a', '%2e%2e', '%2f', 'index.html', 'x.js', '//', '\\'), { maxLength: 6 }), (parts) => {
      const file = staticPath(STATIC_DIR, '/' + parts.join('/'));
      assert.ok(file === null || file.startsWith(STATIC_DIR + sep), String(file));
    }),
  );
});
