/**
 * The requests a load balancer logs for hand-written installs: each request
 * is answered `serviceMs` after it arrives and the client sends the next one
 * `gapMs` after the answer, as pip, poetry and the seed tool do (one request at
 * a time per install). The redirect hop of an install with the index root is
 * its own logged request.
 */
import type { LoggedCall } from './alb-log-writer.js';

export const PIP_UA =
  'pip/25.3 {"ci":true,"cpu":"x86_64","distro":{"id":"bookworm","libc":{"lib":"glibc","version":"2.36"},"name":"Debian GNU/Linux","version":"12"},"implementation":{"name":"CPython","version":"3.11.2"},"installer":{"name":"pip","version":"25.3"},"python":"3.11.2","system":{"name":"Linux","release":"6.1.0"}}';
export const POETRY_UA = 'poetry/2.1.3 CPython/3.12.3 Linux/6.8.0';
export const SEED_UA = 'python-requests/2.32.3';

export type FixtureFlow = 'pip-root-index' | 'pip-simple-index' | 'seed-tool' | 'poetry';

export interface FixtureInstall {
  client: string;
  userAgent: string;
  flow: FixtureFlow;
  project: string;
  startMs: number;
  /** Status of each request in order (default 303 for /<project>/, 200 otherwise); a failed one is retried when `retryAfterMs` is set. */
  statuses?: number[];
  serviceMs?: number;
  gapMs?: number;
  version?: string;
}

const wheel = (project: string, version: string) => `/packages/${project.replace(/-/g, '_')}-${version}-py3-none-any.whl`;

export function pathsOf(flow: FixtureFlow, project: string, version = '2.0.0'): string[] {
  switch (flow) {
    case 'pip-root-index':
      return [`/${project}/`, `/simple/${project}/`, wheel(project, version)];
    case 'seed-tool':
      return [`/${project}/`, `/simple/${project}/`, `/simple/${project}/`, wheel(project, version)];
    case 'pip-simple-index':
    case 'poetry':
      return [`/simple/${project}/`, wheel(project, version)];
  }
}

let port = 40000;

/** Where a request goes and how long its target takes. */
export type Routing = (requestIndex: number, install: FixtureInstall) => { target: string; serviceMs: number };

/** The targets in turn (by the install's start and the request's place), each taking the install's service time. */
export function inTurn(targets: string[]): Routing {
  return (i, install) => ({ target: targets[(Math.floor(install.startMs) + i) % targets.length], serviceMs: install.serviceMs ?? 20 });
}

/** The logged requests of one install, in the order it sends them. */
export function callsOf(install: FixtureInstall, targets: string[] | Routing): LoggedCall[] {
  const route = typeof targets === 'function' ? targets : inTurn(targets);
  const gap = install.gapMs ?? 1;
  const paths = pathsOf(install.flow, install.project, install.version);
  const calls: LoggedCall[] = [];
  let t = install.startMs;
  const clientPort = port++;
  paths.forEach((path, i) => {
    const status = install.statuses?.[i] ?? (i === 0 && path === `/${install.project}/` ? 303 : 200);
    const { target, serviceMs: service } = route(i, install);
    calls.push({
      receivedMs: t,
      answeredMs: t + service,
      client: install.client,
      clientPort,
      target,
      targetProcessingS: service / 1000 - 0.002,
      elbStatus: status,
      targetStatus: status,
      sentBytes: path.endsWith('.whl') ? 50263 : 900,
      path,
      userAgent: install.userAgent,
    });
    t += service + gap;
  });
  return calls;
}

/** Every call of the installs, in the order the load balancer answered them (how a node writes its log). */
export function loggedInAnswerOrder(calls: LoggedCall[]): LoggedCall[] {
  return calls.slice().sort((a, b) => a.answeredMs - b.answeredMs || a.receivedMs - b.receivedMs);
}
