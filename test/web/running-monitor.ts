// Test helper: a running bridge with the default mapping and a web monitor, its OSC output caught by a UDP socket on port 0.
import { DEFAULT_MAPPING } from '../../src/cli/run.js';
import type { WebAccess } from '../../src/web/access.js';
import { startCaughtRun, type CaughtRun } from '../support/caught-run.js';

export type MonitoredRun = CaughtRun;

/** Without the start's rehearsal (alpha moves played on private copies of the bridge): the page never sees it, and it cost each start 0.5-1 s of CPU. */
export function startMonitoredRun(token: string | null, mapping = DEFAULT_MAPPING): Promise<MonitoredRun> {
  const web: WebAccess = { listen: { host: '127.0.0.1', port: 0 }, token };
  return startCaughtRun({ mapping, web, rehearse: 0 });
}

export { until } from '../support/until.js';
