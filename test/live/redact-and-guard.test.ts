import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Redactor, redactUrl } from '../../src/live/redact.js';
import { guardTarget, isLoopbackHost, parseTarget, probeTarget } from '../../src/live/url-guard.js';

describe('redact', () => {
  it('removes userinfo from URLs', () => {
    expect(redactUrl('https://ci:s3cr%40t@pypi.example.com/simple/')).toBe('https://***@pypi.example.com/simple/');
    expect(redactUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/');
  });

  it('masks a secret in plain, URL-encoded and Basic-token forms', () => {
    const redactor = new Redactor(['p@ss word'], 'ci');
    const basic = Buffer.from('ci:p@ss word').toString('base64');
    const text = `got p@ss word, p%40ss%20word, Authorization: Basic ${basic} and ${basic}; see https://ci:p%40ss%20word@h/`;
    const out = redactor.redact(text);
    expect(out).not.toContain('p@ss word');
    expect(out).not.toContain('p%40ss%20word');
    expect(out).not.toContain(basic);
    expect(out).toContain('https://***@h/');
  });
});

describe('url guard', () => {
  it('recognises loopback literals only', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1', '::ffff:127.0.0.1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', 'example.com', '[::2]', '128.0.0.1', 'localhost.example.com']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('takes credentials out of the URL', () => {
    const target = parseTarget('http://ci:p%40ss@127.0.0.1:8080/simple');
    expect(target.url.href).toBe('http://127.0.0.1:8080/simple/');
    expect(target.username).toBe('ci');
    expect(target.password).toBe('p@ss');
  });

  it('rejects non-http URLs and garbage with one line', () => {
    expect(() => parseTarget('ftp://x/')).toThrow(/expected an http:\/\/ or https:\/\/ URL/);
    expect(() => parseTarget('not a url')).toThrow(/is not a valid URL/);
  });

  it('refuses a non-loopback target without confirmation', () => {
    expect(() => guardTarget(new URL('https://pypi.example.com/'), false)).toThrow(/not loopback: pass --yes/);
    expect(() => guardTarget(new URL('https://pypi.example.com/'), true)).not.toThrow();
    expect(() => guardTarget(new URL('http://127.0.0.1:1/'), false)).not.toThrow();
  });

  it('probes reachability with a TCP connect', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await expect(probeTarget(new URL(`http://127.0.0.1:${port}/`))).resolves.toBeUndefined();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(probeTarget(new URL(`http://u:pw@127.0.0.1:${port}/`))).rejects.toThrow(
      `cannot reach http://***@127.0.0.1:${port}/: connection refused`,
    );
  });

  it('masks a short password in every string of a summary without touching its numbers', () => {
    const redactor = new Redactor(['1'], 'ci');
    const summary = { total_requests: 111, error_rate: 0.1, error_samples: ['GET http://ci:1@host/ failed: token 1'], upstream_share: { 'host:1': { share: 1 } } };
    const masked = redactor.redactDeep(summary);
    expect(masked.total_requests).toBe(111);
    expect(masked.error_rate).toBe(0.1);
    expect(JSON.stringify(masked.error_samples)).not.toMatch(/ci:1|token 1/);
    expect(() => JSON.parse(JSON.stringify(masked))).not.toThrow();
  });

  it('masks the Basic token of a non-ASCII password as sent (latin1)', () => {
    const redactor = new Redactor(['pässword'], 'ci');
    const token = Buffer.from('ci:pässword', 'latin1').toString('base64');
    expect(redactor.redact(`token=${token}`)).toBe('token=***');
  });
});

