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
