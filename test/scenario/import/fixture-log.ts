/**
 * A one-hour ALB log written in AWS's format, with what the import must find
 * in it known by construction: steady pip traffic from three CI hosts, one
 * burst of 200 pip installs from two hosts at 10:35:00 whose requests go 6 : 3
 * : 1 to three targets of different speed, a few errors during the burst (two
 * 504s, a 503 without a target, a client that left: 460), an HTTP/2 and a
 * WebSocket entry, and malformed lines.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { albLogLine, type LoggedCall, writeLog } from './alb-log-writer.js';
import { callsOf, type FixtureInstall, inTurn, loggedInAnswerOrder, PIP_UA } from './install-calls.js';

export const T0 = Date.UTC(2025, 5, 3, 10, 0, 0);
export const BURST_AT = Date.UTC(2025, 5, 3, 10, 35, 0);
export const TARGETS = { slow: '10.0.1.10:8080', middle: '10.0.2.11:8080', fast: '10.0.1.12:8080' };
const SERVICE = { [TARGETS.slow]: 900, [TARGETS.middle]: 300, [TARGETS.fast]: 100 };

export interface FixtureLog {
  dir: string;
  calls: LoggedCall[];
  burstInstalls: FixtureInstall[];
  baselineInstalls: FixtureInstall[];
  /** Calls received during the burst (its installs' requests and the errors). */
  burstCalls: LoggedCall[];
  malformedLines: number;
}

export function writeFixtureLog(root: string): FixtureLog {
  mkdirSync(root, { recursive: true });
  const baselineInstalls: FixtureInstall[] = [];
  ['10.9.0.11', '10.9.0.12', '10.9.0.13'].forEach((client, c) => {
    for (let minute = 0; minute < 60; minute++) {
      const startMs = T0 + minute * 60_000 + 5_000 + c * 12_000;
      if (startMs > BURST_AT - 30_000 && startMs < BURST_AT + 90_000) continue;
      baselineInstalls.push({ client, userAgent: PIP_UA, flow: 'pip-root-index', project: `pkg-${String(50 + ((minute + c) % 40)).padStart(3, '0')}`, startMs });
    }
  });
  const burstInstalls: FixtureInstall[] = Array.from({ length: 200 }, (_, k) => ({
    client: k % 2 === 0 ? '10.9.1.1' : '10.9.1.2',
    userAgent: PIP_UA,
    flow: 'pip-root-index',
    project: `pkg-${String(k % 50).padStart(3, '0')}`,
    startMs: BURST_AT + k * 10,
  }));
  let j = 0;
  const sixThreeOne = () => {
    const slot = j++ % 10;
    const target = slot < 6 ? TARGETS.slow : slot < 9 ? TARGETS.middle : TARGETS.fast;
    return { target, serviceMs: SERVICE[target] };
  };
  const error = (at: number, patch: Partial<LoggedCall>): LoggedCall => ({
    receivedMs: BURST_AT + at,
    answeredMs: BURST_AT + at + 60_000,
    client: '10.9.2.1',
    clientPort: 50000 + at,
    target: TARGETS.slow,
    targetProcessingS: -1,
    elbStatus: 504,
    targetStatus: null,
    sentBytes: 162,
    path: '/',
    userAgent: 'curl/8.5.0',
    ...patch,
  });
  const errors = [
    error(100, {}),
    error(200, {}),
    error(300, { target: null, elbStatus: 503, answeredMs: BURST_AT + 300.4 }),
    error(400, { target: TARGETS.middle, elbStatus: 460, answeredMs: BURST_AT + 15_400 }),
  ];
  const burstCalls = [...burstInstalls.flatMap((i) => callsOf(i, sixThreeOne)), ...errors];
  const others: LoggedCall[] = [
    { ...error(0, {}), type: 'h2', receivedMs: T0 + 600_000, answeredMs: T0 + 600_020, target: TARGETS.fast, targetProcessingS: 0.018, elbStatus: 200, targetStatus: 200, path: '/simple/', sentBytes: 9000 },
    { ...error(0, {}), type: 'ws', receivedMs: T0 + 900_000, answeredMs: T0 + 960_000, target: TARGETS.fast, targetProcessingS: 0.001, elbStatus: 101, targetStatus: 101, path: '/', userAgent: '-' },
  ];
  const calls = [...baselineInstalls.flatMap((i) => callsOf(i, inTurn(Object.values(TARGETS)))), ...burstCalls, ...others];
  const lines = loggedInAnswerOrder(calls).map(albLogLine);
  // Two lines that are not entries, and a blank one, among the entries.
  lines.splice(10, 0, 'this is not an ALB entry');
  lines.splice(20, 0, '');
  lines.splice(30, 0, 'http 2025-06-03T10:01:00Z app/pypi-alb/50dc6c495c0c9188 10.9.0.11:1000');
  const half = Math.floor(lines.length / 2);
  const dir = join(root, 'logs');
  mkdirSync(dir, { recursive: true });
  writeLog(join(dir, 'part-1.log.gz'), lines.slice(0, half));
  writeLog(join(dir, 'part-2.log'), lines.slice(half));
  return { dir, calls, burstInstalls, baselineInstalls, burstCalls, malformedLines: 2 };
}
