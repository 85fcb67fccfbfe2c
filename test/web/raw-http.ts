// Test helpers: raw bytes to a server over TCP on 127.0.0.1, for requests no well-behaved client would send.
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** Sends `bytes`, then resolves with everything the server answered once it closed, or after `ms` of silence. */
export function rawExchange(port: number, bytes: string | Uint8Array, ms = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timer = setTimeout(() => socket.destroy(), ms);
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    socket.on('data', (c) => {
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), ms);
    });
    socket.on('error', () => undefined);
    socket.on('close', done);
    socket.write(bytes);
  });
}

/**
 * Sends an upgrade request alone and resolves with the status of the answer's head, closing then: a switched connection
 * stays open, so waiting for its close or its silence would only wait.
 */
export function upgradeStatus(port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.on('data', (c) => {
      head += c.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.destroy();
      resolve(statusOf(head));
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(statusOf(head)));
    socket.write(request);
  });
}

/** The status code of the first response line, or 0 when there was none. */
export const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

/** An upgrade request to a WebSocket, with extra header lines. */
export function upgradeRequest(path: string, headers: readonly string[] = [], host = '127.0.0.1'): string {
  const key = randomBytes(16).toString('base64');
  return [`GET ${path} HTTP/1.1`, `Host: ${host}`, 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Key: ${key}`, ...headers, '', ''].join('\r\n');
}

/** A masked client text frame (RFC 6455 §5.2). */
export function clientFrame(text: string, opcode = 0x1): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 0xff]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, masked]);
}

/** A socket that completed the WebSocket handshake on `path` and then reads nothing more unless asked. */
export function rawSocket(port: number, path = '/ws'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    const onData = (c: Buffer) => {
      head += c.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(head.split('\r\n')[0]));
      socket.pause();
      resolve(socket);
    };
    socket.on('data', onData);
    socket.on('error', reject);
    socket.write(upgradeRequest(path));
  });
}

