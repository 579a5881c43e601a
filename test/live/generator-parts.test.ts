import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/live/http-attempt.js';
import { parseIndexPage } from '../../src/live/index-page.js';
import { compareVersions, versionOfFile } from '../../src/live/package-names.js';
import { planValidation } from '../../src/live/plan.js';
import { isRetryable, retryAfterSeconds, retryBackoffSeconds } from '../../src/live/retry.js';
import { oneBurst } from './helpers/scenario.js';

describe('pip retry policy (urllib3 Retry(total=5, backoff_factor=0.25, status_forcelist=[500, 503, 520, 527]))', () => {
  it('sleeps 0 before the first retry, then factor * 2^(k-1)', () => {
    expect([1, 2, 3, 4, 5].map((k) => retryBackoffSeconds(k, 0.25))).toEqual([0, 0.5, 1, 2, 4]);
    expect(retryBackoffSeconds(20, 0.25)).toBe(120);
  });
  it('retries connection errors, timeouts and the listed statuses only', () => {
    const statuses = [500, 503, 520, 527];
    expect(isRetryable({ status: 503 }, statuses)).toBe(true);
    expect(isRetryable({ status: 502 }, statuses)).toBe(false);
    expect(isRetryable({ status: 504 }, statuses)).toBe(false);
    expect(isRetryable({ errorClass: 'timeout' }, statuses)).toBe(true);
    expect(isRetryable({ errorClass: 'connection_refused' }, statuses)).toBe(true);
    expect(isRetryable({ errorClass: 'aborted' }, statuses)).toBe(false);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds('3')).toBe(3);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:10 GMT', Date.UTC(2026, 0, 1))).toBe(10);
    expect(retryAfterSeconds(undefined)).toBeNull();
  });
});

describe('failure classes', () => {
  it('maps undici and socket errors', () => {
    expect(classifyError(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).errorClass).toBe('timeout');
    expect(classifyError(Object.assign(new Error('connect'), { code: 'UND_ERR_CONNECT_TIMEOUT' })).errorClass).toBe('connect_timeout');
    expect(classifyError(Object.assign(new Error('x'), { cause: { code: 'ECONNREFUSED' } })).errorClass).toBe('connection_refused');
    expect(classifyError(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })).errorClass).toBe('connection_reset');
    expect(classifyError(new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })])).errorClass).toBe('connection_refused');
  });
});

describe('index pages, as pip reads them', () => {
  const page = 'http://127.0.0.1:8080/simple/pkg-003/';
  it('resolves HTML hrefs against the page and drops the hash fragment', () => {
    const html = '<a href="../../packages/pkg_003-1.0.0-py3-none-any.whl#sha256=ab">x</a>\n<a href=\'../../packages/pkg_003-2.0.0-py3-none-any.whl#sha256=cd\'>y</a>';
    expect(parseIndexPage(html, 'text/html', page)).toEqual([
      { fileName: 'pkg_003-1.0.0-py3-none-any.whl', url: 'http://127.0.0.1:8080/packages/pkg_003-1.0.0-py3-none-any.whl', version: '1.0.0' },
      { fileName: 'pkg_003-2.0.0-py3-none-any.whl', url: 'http://127.0.0.1:8080/packages/pkg_003-2.0.0-py3-none-any.whl', version: '2.0.0' },
    ]);
  });
  it('reads PEP 691 JSON pages', () => {
    const json = JSON.stringify({ meta: { 'api-version': '1.0' }, name: 'pkg-003', files: [{ filename: 'pkg_003-2.0.0-py3-none-any.whl', url: '/packages/pkg_003-2.0.0-py3-none-any.whl', hashes: {} }] });
    expect(parseIndexPage(json, 'application/vnd.pypi.simple.v1+json', page)[0].url).toBe('http://127.0.0.1:8080/packages/pkg_003-2.0.0-py3-none-any.whl');
  });
});

describe('versions in file names', () => {
  it('reads a wheel\'s and an sdist\'s version and compares versions numerically', () => {
    expect(versionOfFile('my_project-0.4.1.tar.gz')).toBe('0.4.1');
    expect(versionOfFile('pkg_003-1.10.0-py3-none-any.whl')).toBe('1.10.0');
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
  });
});

describe('request plan (--dry-run)', () => {
  it('counts installs, operations and HTTP requests per flow', () => {
    const plan = planValidation(oneBurst('pip-root-index', 60, { retries: 5 }), 'http://127.0.0.1:1/', true);
    expect(plan.totals).toEqual({ installs: 60, operations: 120, httpRequests: 180, httpRequestsWithAllRetries: 1080, burstInstalls: 60 });
    expect(plan.perInstall[0].headers.authorization).toBe('Basic ***');
  });
});
