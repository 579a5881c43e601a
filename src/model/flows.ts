import type { FlowName } from '../scenario/types.js';

/** The HTTP requests the model distinguishes by cost. */
export type RequestKind = 'redirect' | 'simple' | 'wheel' | 'health';

/** One measured operation: its HTTP requests run in sequence on one connection (a 303 is followed). */
export interface OperationStep {
  /** Operation name as it appears in results (the same names `capsim validate` records). */
  name: string;
  requests: RequestKind[];
}

export interface FlowDefinition {
  name: FlowName;
  operations: OperationStep[];
  /** Whether an install goes on to its next operation after one fails (the seed tool does; pip stops). */
  continueAfterFailure: boolean;
  /**
   * How an install of several requirements orders its operations: pip resolves and downloads project after
   * project; poetry reads every page first, then downloads every file.
   */
  requirementsOrder: 'per-project' | 'pages-then-files';
}

/**
 * The flows: real pip with the index root (303 followed, then the wheel), real
 * pip with .../simple/ (no redirect), the seed tool (root with the redirect
 * followed as one operation, then the simple page, then the wheel), and real
 * poetry (recorded: pages, then files).
 */
/** A client whose index URL is .../simple/: the project's page, then the file. */
const PAGE_THEN_FILE: OperationStep[] = [
  { name: 'simple', requests: ['simple'] },
  { name: 'download', requests: ['wheel'] },
];

export const FLOWS: Readonly<Record<FlowName, FlowDefinition>> = {
  'pip-root-index': {
    name: 'pip-root-index',
    operations: [
      { name: 'root', requests: ['redirect', 'simple'] },
      { name: 'download', requests: ['wheel'] },
    ],
    continueAfterFailure: false,
    requirementsOrder: 'per-project',
  },
  'pip-simple-index': {
    name: 'pip-simple-index',
    operations: PAGE_THEN_FILE,
    continueAfterFailure: false,
    requirementsOrder: 'per-project',
  },
  'seed-tool': {
    name: 'seed-tool',
    operations: [
      { name: 'root', requests: ['redirect', 'simple'] },
      { name: 'simple', requests: ['simple'] },
      { name: 'download', requests: ['wheel'] },
    ],
    continueAfterFailure: true,
    requirementsOrder: 'per-project',
  },
  // poetry (its source is .../simple/): the page, then the file; several requirements read every page first.
  // The model runs them one after another; poetry sends each phase's requests in parallel.
  poetry: {
    name: 'poetry',
    operations: PAGE_THEN_FILE,
    continueAfterFailure: false,
    requirementsOrder: 'pages-then-files',
  },
};

/**
 * The flow of an install that fetches `requirements` projects one after another (`pip install -r`): the
 * operations repeated once per project, on the install's one connection; pip stops at the first failure.
 */
export function flowForRequirements(flow: FlowDefinition, requirements = 1): FlowDefinition {
  if (requirements <= 1) return flow;
  const repeat = (ops: OperationStep[]) => Array.from({ length: requirements }, () => ops).flat();
  if (flow.requirementsOrder === 'pages-then-files') {
    return { ...flow, operations: flow.operations.flatMap((operation) => repeat([operation])) };
  }
  return { ...flow, operations: repeat(flow.operations) };
}
