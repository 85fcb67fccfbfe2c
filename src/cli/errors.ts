// Errors a user can meet on the command line, with the exit code they mean (2: bad input, 1: failure), and how any
// error that reaches the top is told: one line, no stack trace unless --debug asked for it.

import { printable } from '../codecs/printable.js';

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The flag that shows stack traces (anywhere on the command line; also EQMORPH_DEBUG=1). */
export const DEBUG_FLAG = '--debug';

/** The arguments without --debug, and whether it was given. */
export function debugFlag(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { argv: string[]; debug: boolean } {
  const rest = argv.filter((a) => a !== DEBUG_FLAG);
  return { argv: rest, debug: rest.length !== argv.length || env['EQMORPH_DEBUG'] === '1' };
}

/**
 * An error that escaped a command, as the lines to print and the exit code. Errors that carry an exit code (bad input,
 * a file, a port) are expected: their message is the whole story. Anything else is a failure of eqmorph itself: its
 * first line, and how to see more. With `debug` the stack trace follows either way.
 */
export function describeError(prefix: string, err: unknown, debug: boolean): { text: string; exitCode: number } {
  const expected = err instanceof Error && typeof (err as { exitCode?: unknown }).exitCode === 'number';
  const exitCode = expected ? (err as unknown as { exitCode: number }).exitCode : 1;
  const message = err instanceof Error ? err.message : String(err);
  const lines = expected ? message.split('\n') : [`${message.split('\n')[0] || 'unexpected error'} (this is a fault in eqmorph; run again with --debug to see where)`];
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  return { text: `${prefix}: ${lines.map(printable).join('\n')}${stack}\n`, exitCode };
}
