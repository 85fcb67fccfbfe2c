import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BadRequestError, checkAccess, checkHost, isLoopback, parseWebAddress, requestPath, requestToken, TOKEN_COOKIE, webAccessProblem } from '../../src/web/access.js';

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

test('a Host is allowed when loopback, an IP address, the --web host or a name from --web-allow-host; other names get 403', () => {
  const access = { listen: { host: 'stage-pc', port: 8080 }, token: null, allowHosts: ['mixer.local'] };
  for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', '192.168.1.5:8080', '[fe80::1]:8080', 'stage-pc:8080', 'STAGE-PC', 'mixer.local.:8080']) {
    assert.deepEqual(checkHost({ headers: { host } }, access), { ok: true }, host);
  }
  for (const host of ['evil.example:8080', 'localhost.evil.example', '127.0.0.1.nip.io:8080']) {
    const v = checkHost({ headers: { host } }, access);
    assert.ok(!v.ok && v.status === 403, host);
  }
});

test('a cookie token that is not URL-encoded makes the request a bad one (400), never an exception', () => {
  const v = checkAccess({ url: '/', headers: { cookie: `${TOKEN_COOKIE}=%E0%A4%A` } }, 'tok');
  assert.ok(!v.ok && v.status === 400);
  assert.throws(() => requestPath({ url: '//', headers: {} }), BadRequestError);
});
