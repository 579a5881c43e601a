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
}

/**
 * The flows of FACTS.md: real pip with the index root (303 followed, then the
 * wheel), real pip with .../simple/ (no redirect), and the seed tool (root with
 * the redirect followed as one operation, then the simple page, then the wheel).
 */
export const FLOWS: Readonly<Record<FlowName, FlowDefinition>> = {
  'pip-root-index': {
    name: 'pip-root-index',
    operations: [
      { name: 'root', requests: ['redirect', 'simple'] },
      { name: 'download', requests: ['wheel'] },
    ],
    continueAfterFailure: false,
  },
  'pip-simple-index': {
    name: 'pip-simple-index',
    operations: [
      { name: 'simple', requests: ['simple'] },
      { name: 'download', requests: ['wheel'] },
    ],
    continueAfterFailure: false,
  },
  'seed-tool': {
    name: 'seed-tool',
    operations: [
      { name: 'root', requests: ['redirect', 'simple'] },
      { name: 'simple', requests: ['simple'] },
      { name: 'download', requests: ['wheel'] },
    ],
    continueAfterFailure: true,
  },
};

/**
 * The flow of an install that fetches `requirements` projects one after another (`pip install -r`): the
 * operations repeated once per project, on the install's one connection; pip stops at the first failure.
 */
export function flowForRequirements(flow: FlowDefinition, requirements = 1): FlowDefinition {
  if (requirements <= 1) return flow;
  return { ...flow, operations: Array.from({ length: requirements }, () => flow.operations).flat() };
}
