// A one-line progress bar with ETA on a terminal, and plain periodic lines when output is not a terminal (CI logs).

export interface ProgressBar {
  update(done: number, detail?: string): void;
  done(message?: string): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const start = performance.now();
  const tty = stream.isTTY === true;
  let lastPlain = -1;
  return {
    update(done, detail = '') {
      const elapsed = (performance.now() - start) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
      const pct = Math.round((100 * done) / total);
      if (tty) {
        const width = 24;
        const fill = Math.round((width * done) / total);
        stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${detail} ETA ${formatDuration(eta)}\x1b[K`);
      } else if (Math.floor(pct / 10) !== lastPlain || done === total) {
        lastPlain = Math.floor(pct / 10);
        stream.write(`${label} ${done}/${total} ${detail} ETA ${formatDuration(eta)}\n`);
      }
    },
    done(message) {
      if (tty) stream.write('\r\x1b[K');
      if (message) stream.write(message + '\n');
    },
  };
}
