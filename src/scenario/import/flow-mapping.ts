/**
 * Which flow of the model and the live generator runs each kind of imported
 * install, and with which client behaviour: pip's and the seed tool's are those
 * of the shipped scenarios (scenarios/pip-burst.json: 15 s timeout, 5 retries;
 * scenarios/production-incident.json: 30 s, none); poetry's is below.
 */
import { loadScenario } from '../load.js';
import type { ClientBehaviour, FlowName } from '../types.js';
import type { InstallPattern, TrafficCategory } from './installs.js';
import type { ClientFamily } from './user-agent.js';

/** The flow an install of `category` (with `pattern`, for clients capsim does not know) runs as. */
export function modelFlowOf(category: TrafficCategory, pattern: InstallPattern): FlowName {
  switch (category) {
    case 'pip-root-index':
    case 'pip-simple-index':
    case 'seed-tool':
    case 'poetry':
      return category;
    case 'other':
      return pattern === 'root' ? 'pip-root-index' : pattern === 'root-simple' ? 'seed-tool' : 'pip-simple-index';
    case 'download-only':
      return 'download-only';
  }
}

/** Why a category runs as the flow it maps to, for the scenario file and the summary. */
export function mappingNote(category: TrafficCategory, flow: FlowName): string | null {
  if (category === flow) return null;
  return `installs of other clients run as the flow their requests follow (${flow})`;
}

/**
 * Poetry's requests (poetry 1.3's poetry/utils/authenticator.py): a 15 s
 * timeout, up to 5 retries on connection errors and 502/503/504, sleeping
 * 0.5 s x attempt (0.5, 1, 1.5, 2, 2.5 s). The model sleeps like urllib3
 * (0, f, 2f, 4f, 8f); f = 0.25 s waits the same 7.5 s in all.
 */
const POETRY_CLIENT: ClientBehaviour = { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [502, 503, 504], keepAlive: true };

/** The client behaviour of a family: the seed tool's for python-requests scripts, poetry's, pip's otherwise. */
export function defaultClient(family: ClientFamily): ClientBehaviour {
  if (family === 'poetry') return structuredClone(POETRY_CLIENT);
  return structuredClone(loadScenario(family === 'python-requests' ? 'production-incident' : 'pip-burst').client);
}
