/**
 * The headers real clients send, per request kind. pip: what pip's
 * PipSession sends (User-Agent "pip/<version> <json>", requests' defaults)
 * plus, for index pages, the PEP 691 Accept header and Cache-Control:
 * max-age=0, and for file downloads Accept-Encoding: identity. The seed tool
 * is plain Python requests. Checked against real pip (test/stack/fixtures/
 * pip-requests.json, pip 23.0.1 on Debian 12) through nginx's access log and
 * the headers the app received, in test/live/e2e.test.ts. The user agent
 * names pip 25.3 (what the incident's CI ran) with the same keys real pip
 * sends; its environment values are this project's Debian 12 machine.
 */

export const PIP_VERSION = '25.3';

/** pip's user agent: "pip/<version>" and a JSON object describing the environment. */
export function pipUserAgent(pipVersion = PIP_VERSION): string {
  const data = {
    ci: null,
    cpu: 'x86_64',
    distro: { id: 'bookworm', libc: { lib: 'glibc', version: '2.36' }, name: 'Debian GNU/Linux', version: '12' },
    implementation: { name: 'CPython', version: '3.11.2' },
    installer: { name: 'pip', version: pipVersion },
    openssl_version: 'OpenSSL 3.0.17 1 Jul 2025',
    python: '3.11.2',
    rustc_version: '1.95.0',
    setuptools_version: '66.1.1',
    system: { name: 'Linux', release: '6.1.0' },
  };
  // pip serialises with separators=(",", ":") and sort_keys=True.
  return `pip/${pipVersion} ${JSON.stringify(data)}`;
}

export const PIP_INDEX_ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01';

export const PYTHON_REQUESTS_USER_AGENT = 'python-requests/2.32.3';

/** What Debian's poetry 1.3.2 sends (its requests session's defaults: it sets no user agent of its own). */
export const POETRY_USER_AGENT = 'python-requests/2.28.1';

export interface ClientHeaders {
  index: Record<string, string>;
  file: Record<string, string>;
}

/** Headers (lower-case names) of each request kind for a client family. */
export function clientHeaders(client: 'pip' | 'poetry' | 'python-requests'): ClientHeaders {
  if (client === 'poetry') {
    const base = { 'user-agent': POETRY_USER_AGENT, 'accept-encoding': 'gzip, deflate, br', accept: '*/*', connection: 'keep-alive' };
    return { index: { ...base }, file: { ...base } };
  }
  if (client === 'pip') {
    const base = {
      'user-agent': pipUserAgent(),
      'accept-encoding': 'gzip, deflate',
      accept: '*/*',
      connection: 'keep-alive',
    };
    return {
      index: { ...base, accept: PIP_INDEX_ACCEPT, 'cache-control': 'max-age=0' },
      file: { ...base, 'accept-encoding': 'identity' },
    };
  }
  const base = {
    'user-agent': PYTHON_REQUESTS_USER_AGENT,
    'accept-encoding': 'gzip, deflate',
    accept: '*/*',
    connection: 'keep-alive',
  };
  return { index: { ...base }, file: { ...base } };
}

/** "Basic base64(user:password)", as requests' HTTPBasicAuth builds it. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'latin1').toString('base64')}`;
}
