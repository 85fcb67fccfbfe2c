// Test helper: a running bridge with the default mapping and a web monitor, its OSC output caught by a UDP socket on port 0.
import { DEFAULT_MAPPING } from '../../src/cli/run.js';
import type { WebAccess } from '../../src/web/access.js';
import { startCaughtRun, type CaughtRun } from '../support/caught-run.js';

export type MonitoredRun = CaughtRun;

export function startMonitoredRun(token: string | null, mapping = DEFAULT_MAPPING): Promise<MonitoredRun> {
  const web: WebAccess = { listen: { host: '127.0.0.1', port: 0 }, token };
  return startCaughtRun({ mapping, web });
}

export { until } from '../support/until.js';
