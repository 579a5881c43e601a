/**
 * The flows: the request sequence of one install, for the model and the live
 * generator alike (docs/traffic.md, "What one install sends").
 * - pip-root-index: real pip with the server root as --index-url:
 *   GET /<project>/ (303 to /simple/<project>/, followed) = operation "root",
 *   then the wheel link read from that page = operation "download".
 * - pip-simple-index: real pip with .../simple/ as --index-url: "simple", then "download".
 * - seed-tool: the seed's stress tool: "root" (redirect followed), "simple",
 *   then "download" of the wheel it constructs the name of (/packages/<name>-<version>-py3-none-any.whl
 *   on the seed's index; on a real index the picked file's own URL, learnt before the run);
 *   the three operations run whatever the previous ones returned.
 * - poetry: real poetry (1.3, recorded in test/stack/fixtures/poetry-requests.json) with .../simple/ as its
 *   source: "simple", then "download", with poetry's headers. An install of several requirements reads
 *   every page first (live: in parallel through one session), then downloads every file (in parallel);
 *   the model runs them one after another.
 * - download-only: a download with no index page before it (poetry installing
 *   from its lock file, a client with the index pages cached): "download" of
 *   the constructed wheel path. An ALB-log import finds these among the
 *   requests that fit no install (docs/traffic-import.md).
 * An install of several requirements (`pip install -r`) runs the steps once per project: pip project after
 * project on its one connection, poetry every page and then every file (`requirementsOrder`).
 */

import type { CookieScope } from './types.js';

export const FLOW_NAMES = ['pip-root-index', 'pip-simple-index', 'seed-tool', 'poetry', 'download-only'] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

/** Operation names as they appear in results (model and `capsim validate` alike). */
export const OPERATION_NAMES = ['root', 'simple', 'download'] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** The HTTP requests of a flow as the server sees them (what they cost it differs). */
export const FLOW_REQUEST_KINDS = ['redirect', 'simple', 'wheel'] as const;
export type FlowRequestKind = (typeof FLOW_REQUEST_KINDS)[number];

/** Where a step's path comes from: a fixed pattern, or the link pip found on the previous page. */
export const PATH_SOURCES = ['project-root', 'project-simple', 'constructed-wheel', 'link-from-page'] as const;
export type PathSource = (typeof PATH_SOURCES)[number];

/** The HTTP requests a step's first URL leads to when nothing fails: GET /<project>/ is a 303 the client follows. */
const REQUESTS_OF: Readonly<Record<PathSource, readonly FlowRequestKind[]>> = {
  'project-root': ['redirect', 'simple'],
  'project-simple': ['simple'],
  'constructed-wheel': ['wheel'],
  'link-from-page': ['wheel'],
};

export interface FlowStep {
  /** The measured operation (its requests count as one operation). */
  operation: OperationName;
  /** "index" requests get the index-page headers, "file" requests the download headers. */
  resource: 'index' | 'file';
  source: PathSource;
  /** Its HTTP requests in order, redirect hops included. */
  requests: readonly FlowRequestKind[];
}

export interface Flow {
  name: FlowName;
  steps: readonly FlowStep[];
  /** Whether a failed step ends the install (pip) or the next step runs anyway (seed tool). */
  stopOnFailure: boolean;
  /** Headers family: what real pip sends, what real poetry sends, or what Python requests sends. */
  client: 'pip' | 'poetry' | 'python-requests';
  /** Several requirements: project after project (pip), or every page then every file (poetry). */
  requirementsOrder: 'per-project' | 'pages-then-files';
  /** The cookie jar the flow's real client keeps: a scenario that does not say has this (scenario/load.ts). */
  cookies: CookieScope;
}

function step(operation: OperationName, resource: FlowStep['resource'], source: PathSource): FlowStep {
  return { operation, resource, source, requests: REQUESTS_OF[source] };
}

export const FLOWS: Readonly<Record<FlowName, Flow>> = {
  'pip-root-index': {
    name: 'pip-root-index',
    steps: [step('root', 'index', 'project-root'), step('download', 'file', 'link-from-page')],
    stopOnFailure: true,
    client: 'pip',
    requirementsOrder: 'per-project',
    cookies: 'per-install',
  },
  'pip-simple-index': {
    name: 'pip-simple-index',
    steps: [step('simple', 'index', 'project-simple'), step('download', 'file', 'link-from-page')],
    stopOnFailure: true,
    client: 'pip',
    requirementsOrder: 'per-project',
    cookies: 'per-install',
  },
  'seed-tool': {
    name: 'seed-tool',
    steps: [step('root', 'index', 'project-root'), step('simple', 'index', 'project-simple'), step('download', 'file', 'constructed-wheel')],
    stopOnFailure: false,
    client: 'python-requests',
    requirementsOrder: 'per-project',
    cookies: 'shared',
  },
  poetry: {
    name: 'poetry',
    steps: [step('simple', 'index', 'project-simple'), step('download', 'file', 'link-from-page')],
    stopOnFailure: true,
    client: 'poetry',
    requirementsOrder: 'pages-then-files',
    // One poetry install runs its parallel downloads through one session: one jar per install.
    cookies: 'per-install',
  },
  'download-only': {
    name: 'download-only',
    steps: [step('download', 'file', 'constructed-wheel')],
    stopOnFailure: true,
    client: 'python-requests',
    requirementsOrder: 'per-project',
    // Each lone download is its own process as far as the log tells: a fresh jar, no cookie sent.
    cookies: 'per-install',
  },
};

/**
 * The flow of an install that fetches `requirements` projects: the steps once per project, in the flow's
 * requirements order (the model runs them one after another on the install's connection).
 */
export function flowForRequirements(flow: Flow, requirements = 1): Flow {
  if (requirements <= 1) return flow;
  const repeat = (steps: readonly FlowStep[]) => Array.from({ length: requirements }, () => steps).flat();
  if (flow.requirementsOrder === 'pages-then-files') return { ...flow, steps: flow.steps.flatMap((s) => repeat([s])) };
  return { ...flow, steps: repeat(flow.steps) };
}

/** HTTP requests one install makes when nothing fails (redirect hops included, retries not), per project. */
export function nominalRequestsPerInstall(flow: FlowName): number {
  return FLOWS[flow].steps.reduce((sum, s) => sum + s.requests.length, 0);
}
