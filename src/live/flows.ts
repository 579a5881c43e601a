/**
 * The request sequence of one install for each flow, as data:
 * - pip-root-index: real pip with the server root as --index-url:
 *   GET /<project>/ (303 to /simple/<project>/, followed) = operation "root",
 *   then the wheel link read from that page = operation "download".
 * - pip-simple-index: real pip with .../simple/ as --index-url: "simple", then "download".
 * - poetry: real poetry (1.3, recorded in test/stack/fixtures/poetry-requests.json) with .../simple/ as its
 *   source: "simple", then "download"; an install of several requirements reads every page first (in
 *   parallel through one session), then downloads every file (in parallel).
 * - seed-tool: the seed's stress tool: "root" (redirect followed), "simple",
 *   then "download" of the wheel it constructs the name of (/packages/<name>-<version>-py3-none-any.whl
 *   on the seed's index; on a real index the picked file's own URL, learnt before the run);
 *   the three operations run whatever the previous ones returned.
 * Paths are relative to the target URL (the server root).
 */
import type { FlowName } from '../scenario/types.js';

export type OperationName = 'root' | 'simple' | 'download';

export interface FlowStep {
  operation: OperationName;
  /** "index" requests get the index-page headers, "file" requests the download headers. */
  resource: 'index' | 'file';
  /** Where the path comes from: a fixed pattern, or the link pip found on the previous page. */
  source: 'project-root' | 'project-simple' | 'constructed-wheel' | 'link-from-page';
}

export interface Flow {
  name: FlowName;
  steps: FlowStep[];
  /** Whether a failed step ends the install (pip) or the next step runs anyway (seed tool). */
  stopOnFailure: boolean;
  /** Headers family: what real pip sends, what real poetry sends, or what Python requests sends. */
  client: 'pip' | 'poetry' | 'python-requests';
  /** Several requirements: project after project (pip), or every page then every file, in parallel (poetry). */
  requirementsOrder: 'per-project' | 'pages-then-files';
}

/** A client whose index URL is .../simple/: the project's page, then the file it links. */
const PAGE_THEN_FILE: FlowStep[] = [
  { operation: 'simple', resource: 'index', source: 'project-simple' },
  { operation: 'download', resource: 'file', source: 'link-from-page' },
];

export const FLOWS: Record<FlowName, Flow> = {
  'pip-root-index': {
    name: 'pip-root-index',
    steps: [
      { operation: 'root', resource: 'index', source: 'project-root' },
      { operation: 'download', resource: 'file', source: 'link-from-page' },
    ],
    stopOnFailure: true,
    client: 'pip',
    requirementsOrder: 'per-project',
  },
  'pip-simple-index': {
    name: 'pip-simple-index',
    steps: PAGE_THEN_FILE,
    stopOnFailure: true,
    client: 'pip',
    requirementsOrder: 'per-project',
  },
  'seed-tool': {
    name: 'seed-tool',
    steps: [
      { operation: 'root', resource: 'index', source: 'project-root' },
      { operation: 'simple', resource: 'index', source: 'project-simple' },
      { operation: 'download', resource: 'file', source: 'constructed-wheel' },
    ],
    stopOnFailure: false,
    client: 'python-requests',
    requirementsOrder: 'per-project',
  },
  poetry: {
    name: 'poetry',
    steps: PAGE_THEN_FILE,
    stopOnFailure: true,
    client: 'poetry',
    requirementsOrder: 'pages-then-files',
  },
};

/** Path (relative to the target root, no leading "/") of a step named after the project. */
export function stepPath(step: FlowStep, project: string): string {
  switch (step.source) {
    case 'project-root':
      return `${project}/`;
    case 'project-simple':
      return `simple/${project}/`;
    case 'constructed-wheel':
    case 'link-from-page':
      throw new Error(`a ${step.source} step has no path of its own: it fetches the picked file`);
  }
}

/** HTTP requests one install makes when nothing fails (redirect hops included, retries not). */
export function nominalRequestsPerInstall(flow: FlowName): number {
  return FLOWS[flow].steps.reduce((sum, step) => sum + (step.source === 'project-root' ? 2 : 1), 0);
}
