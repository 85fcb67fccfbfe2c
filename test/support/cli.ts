// The CLI as a user runs it, through tsx so a test needs no build step: exit code and both streams.
import { spawnSync } from 'node:child_process';

export function eqmorph(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
