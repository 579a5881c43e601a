/**
 * Checks a validate target before any load is sent: a well-formed http(s) URL,
 * credentials taken out of it, loopback unless the user confirmed with --yes,
 * and reachable (a TCP connect, so no request is spent on the check).
 */
import net from 'node:net';
import { UserError } from '../errors.js';
import { redactUrl } from './redact.js';

export interface ParsedTarget {
  /** The base URL without credentials, always ending with "/". */
  url: URL;
  /** Credentials found in the URL's userinfo (decoded), if any. */
  username?: string;
  password?: string;
}

/** Parses --url; userinfo is moved out of the URL (pip accepts https://user:pw@host/). */
export function parseTarget(raw: string): ParsedTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`--url: "${redactUrl(raw)}" is not a valid URL (expected e.g. http://127.0.0.1:8080/)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`--url: expected an http:// or https:// URL, got ${redactUrl(url)}`);
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { url, username, password };
}

/** True for localhost, 127.0.0.0/8 and ::1 (literal addresses only; no DNS lookup). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  if (net.isIPv6(host)) {
    if (host === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(host) || host === '0:0:0:0:0:0:0:1') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
    if (mapped) return mapped[1].startsWith('127.');
    const mappedHex = /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.exec(host);
    return mappedHex !== null;
  }
  return false;
}

/** Refuses a non-loopback target unless the user passed --yes. */
export function guardTarget(url: URL, confirmed: boolean): void {
  if (!confirmed && !isLoopbackHost(url.hostname)) {
    throw new UserError(
      `refusing to send a load burst to ${url.host}, which is not loopback: pass --yes to confirm you may load this service`,
    );
  }
}

function describeConnectError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      return error.code ?? error.message;
  }
}

/** Opens (and closes) one TCP connection to the target; fails with one line within timeoutMs. */
export async function probeTarget(url: URL, timeoutMs = 5000): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new UserError(`cannot reach ${redactUrl(url)}: no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new UserError(`cannot reach ${redactUrl(url)}: ${describeConnectError(error)}`));
    });
  });
}
