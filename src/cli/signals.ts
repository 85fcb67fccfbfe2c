// How a long-running command (run, monitor) is told to stop: SIGINT, SIGTERM or SIGHUP, once; later ones are harmless.

/** The signals that stop a running command. SIGHUP (a closed terminal or SSH session) stops it too, cleanly. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Resolves with the first stop signal. Its handlers stay installed: a second Ctrl-C while on_exit is being sent and the
 * sockets close would otherwise kill the process half-way (exit 130, no flat EQ). `onRepeat` hears each later one.
 */
export function untilStopSignal(onRepeat: (signal: NodeJS.Signals) => void = () => undefined): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (stopping) return onRepeat(signal);
        stopping = true;
        resolve(signal);
      });
    }
  });
}

/**
 * Ends the process with `code` once a command stopped by a signal is done. Left to end by itself, Node closes its
 * handles one by one, its signal handlers among them, and a repeated signal that arrives after they are gone and
 * before the process is (its threads still being joined; under load, often) kills it with the signal's default action
 * instead of exit code 0. Only after a real stop signal: nothing is left to run then but Node's own teardown.
 */
export function exitAfterStop(code: number): never {
  process.exit(code);
}
