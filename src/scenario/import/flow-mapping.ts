/**
 * Which flow of the model and the live generator runs each kind of imported
 * install, and with which client behaviour: pip's and the seed tool's are those
 * of the shipped scenarios (scenarios/pip-burst.json: 15 s timeout, 5 retries;
 * scenarios/production-incident.json: 30 s, none); poetry's is below. The
 * cookie jar is the family's client's unless the user states one: an access
 * log records no cookies.
 */
import { loadScenario } from '../load.js';
import type { ClientBehaviour, CookieScope, FlowName } from '../types.js';
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
const POETRY_CLIENT: ClientBehaviour = { timeoutSeconds: 15, retries: 5, backoffFactorSeconds: 0.25, retryStatuses: [502, 503, 504], keepAlive: true, cookies: 'per-install' };

/**
 * The client behaviour of a family (the seed tool's for python-requests scripts, poetry's, pip's otherwise),
 * its cookie jar included (the seed tool's one requests.Session shares one; each pip or poetry process keeps
 * its own), unless `cookies` states another.
 */
export function defaultClient(family: ClientFamily, cookies?: CookieScope): ClientBehaviour {
  const client = structuredClone(family === 'poetry' ? POETRY_CLIENT : loadScenario(family === 'python-requests' ? 'production-incident' : 'pip-burst').client);
  if (cookies !== undefined) client.cookies = cookies;
  return client;
}

const JAR_WORDS: Record<CookieScope, string> = { shared: 'one jar shared by its installs', 'per-install': 'one jar per install', none: 'no cookies kept' };

/** What the import assumed of the clients' cookie jars (each kind's, as written), for the summary and the scenario's provenance. */
export function cookieNote(kinds: ReadonlyArray<{ name: string; cookies: CookieScope }>, stated: CookieScope | undefined): string {
  if (stated !== undefined) return `cookie jar ${stated} (--cookies) for every kind of install: ${JAR_WORDS[stated]}`;
  const each = kinds.map((k) => `${k.name} ${JAR_WORDS[k.cookies]}`).join(', ');
  return (
    `cookie jar assumed from each kind's client (${each || 'no installs'}): an access log records no cookies, so a python-requests ` +
    'script is taken to share one requests.Session like the seed tool, and each pip or poetry install to be its own process; ' +
    'state it with --cookies shared|per-install|none'
  );
}
