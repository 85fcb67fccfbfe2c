// The CLI as a user calls it: the command dispatcher run in this process (a new process per call cost seconds of
// loading each), its exit code and both streams as the command wrote them. The process itself (signals, exit) is
// tested by spawning it: run-shutdown and the packed install.
import { AsyncLocalStorage } from 'node:async_hooks';
import { main } from '../../src/cli/main.js';

interface Streams {
  stdout: string;
  stderr: string;
}

const capture = new AsyncLocalStorage<Streams>();

/**
 * Writes made inside a command's call (its async continuations included) go to that call's capture; every other write
 * (the test runner's report) goes where it always went.
 */
function divert(stream: NodeJS.WriteStream, key: keyof Streams): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const streams = capture.getStore();
    if (!streams) return write(chunk, ...rest);
    streams[key] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as typeof stream.write;
}
divert(process.stdout, 'stdout');
divert(process.stderr, 'stderr');

export async function eqmorph(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const streams: Streams = { stdout: '', stderr: '' };
  const code = await capture.run(streams, () => main(args));
  return { code, ...streams };
}
