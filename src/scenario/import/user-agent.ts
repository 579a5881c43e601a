/**
 * Which client sent a request, from its User-Agent:
 *   pip/<version> {json}         pip (each `pip install` is its own process)
 *   poetry/<version> ...         poetry 2 (the incident's logs show 2.1.3; poetry 1.3 sends python-requests' agent)
 *   python-requests/<version>    a script on Python requests: the seed's stress tool, or poetry 1.3
 *   anything else, or "-"        other (uv, curl, browsers, ...)
 * The product token (the first word, e.g. "pip/25.3") is what summaries show:
 * pip's JSON part describes the machine, not the traffic.
 */

export type ClientFamily = 'pip' | 'poetry' | 'python-requests' | 'other';

export interface ClientAgent {
  family: ClientFamily;
  /** First word of the user agent ("pip/25.3"), at most 60 characters; "-" when none was sent. */
  product: string;
}

export function clientAgent(userAgent: string): ClientAgent {
  const space = userAgent.indexOf(' ');
  const product = (space < 0 ? userAgent : userAgent.slice(0, space)).slice(0, 60) || '-';
  const lower = product.toLowerCase();
  if (lower.startsWith('pip/')) return { family: 'pip', product };
  if (lower.startsWith('poetry/') || /\bpoetry\//i.test(userAgent)) return { family: 'poetry', product };
  if (lower.startsWith('python-requests/')) return { family: 'python-requests', product };
  return { family: 'other', product };
}
