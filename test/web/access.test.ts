import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkAccess, isLoopback, parseWebAddress, requestToken, TOKEN_COOKIE, webAccessProblem } from '../../src/web/access.js';

test('--web takes PORT, HOST:PORT and port 0 for any free port, defaulting the host to 127.0.0.1', () => {
  assert.deepEqual(parseWebAddress('9090'), { host: '127.0.0.1', port: 9090 });
  assert.deepEqual(parseWebAddress('0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseWebAddress(':0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseWebAddress('0.0.0.0:8081'), { host: '0.0.0.0', port: 8081 });
  assert.deepEqual(parseWebAddress('192.168.1.5:0'), { host: '192.168.1.5', port: 0 });
  assert.deepEqual(parseWebAddress('host:99999'), { error: 'port must be a whole number 0..65535 (0 picks a free port), got "99999"' });
  assert.ok('error' in parseWebAddress('bad host!:80'));
});

test('loopback is localhost, 127.0.0.0/8 and ::1; every other host is not', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1']) assert.ok(isLoopback(h), h);
  for (const h of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(h), h);
});

test('a non-loopback host needs a token; loopback does not; an empty token is refused', () => {
  assert.equal(webAccessProblem({ listen: { host: '127.0.0.1', port: 8080 }, token: null }), null);
  assert.match(webAccessProblem({ listen: { host: '0.0.0.0', port: 8080 }, token: null })!, /--web-token TOKEN/);
  assert.equal(webAccessProblem({ listen: { host: '0.0.0.0', port: 8080 }, token: 'x' }), null);
  assert.match(webAccessProblem({ listen: { host: '127.0.0.1', port: 8080 }, token: ' ' })!, /empty/);
});

test('the token is read from the query, a bearer header, the X-Eqmorph-Token header or the cookie', () => {
  assert.equal(requestToken({ url: '/?token=abc', headers: {} }), 'abc');
  assert.equal(requestToken({ url: '/', headers: { authorization: 'Bearer abc' } }), 'abc');
  assert.equal(requestToken({ url: '/', headers: { 'x-eqmorph-token': 'abc' } }), 'abc');
  assert.equal(requestToken({ url: '/', headers: { cookie: `other=1; ${TOKEN_COOKIE}=a%3Db` } }), 'a=b');
  assert.equal(requestToken({ url: '/', headers: {} }), null);
});

test('without a required token: 401; with a wrong one: 403; with the right one: allowed', () => {
  assert.deepEqual(checkAccess({ url: '/', headers: {} }, null), { ok: true });
  const missing = checkAccess({ url: '/', headers: {} }, 'tok');
  assert.ok(!missing.ok && missing.status === 401);
  const wrong = checkAccess({ url: '/?token=nope', headers: {} }, 'tok');
  assert.ok(!wrong.ok && wrong.status === 403);
  assert.deepEqual(checkAccess({ url: '/?token=tok', headers: {} }, 'tok'), { ok: true });
});

test('a request whose Origin is another site is refused even on loopback without a token', () => {
  const verdict = checkAccess({ url: '/ws', headers: { host: '127.0.0.1:8080', origin: 'http://evil.example' } }, null);
  assert.ok(!verdict.ok && verdict.status === 403);
  assert.deepEqual(checkAccess({ url: '/ws', headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' } }, null), { ok: true });
  assert.ok(!checkAccess({ url: '/ws', headers: { host: '127.0.0.1:8080', origin: 'null' } }, null).ok);
});

test('for all tokens: only that exact token is accepted', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string(), (token, other) => {
      const q = (t: string) => `/?token=${encodeURIComponent(t)}`;
      assert.deepEqual(checkAccess({ url: q(token), headers: {} }, token), { ok: true });
      if (other !== token) assert.equal(checkAccess({ url: q(other), headers: {} }, token).ok, false);
    }),
  );
});
