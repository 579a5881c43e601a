/**
 * The few requests validate makes to learn an index before any load: GET and
 * HEAD with pip's headers, redirects followed on the index's own origin only
 * (a redirect elsewhere is reported, not followed: pypiserver sends a project
 * it does not hold to the public index), bounded by a timeout. Not recorded in
 * requests.ndjson: they are not part of the measured load.
 */
import { Client } from 'undici';
import { UserError } from '../errors.js';
import { redactUrl } from './redact.js';

export interface IndexResponse {
  /** Final status after same-origin redirects. */
  status: number;
  /** The URL that gave the final answer. */
  url: URL;
  contentType?: string;
  contentLength?: number;
  /** Location of a redirect to another origin (not followed). */
  offOrigin?: string;
  body: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_HOPS = 10;

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class IndexClient {
  private readonly client: Client;
  /** HTTP requests sent so far (redirect hops included). */
  requests = 0;

  constructor(
    readonly origin: URL,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs: number,
    private readonly authorization?: string,
  ) {
    this.client = new Client(origin.origin, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs }, pipelining: 1 });
  }

  /** GET or HEAD `url`, following redirects while they stay on the index's origin. */
  async fetch(url: URL, method: 'GET' | 'HEAD' = 'GET', extraHeaders: Record<string, string> = {}): Promise<IndexResponse> {
    let current = url;
    for (let hop = 0; ; hop += 1) {
      const headers = { ...this.headers, ...extraHeaders, ...(this.authorization ? { authorization: this.authorization } : {}) };
      let response;
      this.requests += 1;
      try {
        response = await this.client.request({ method, path: current.pathname + current.search, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        const err = error as { code?: string; name?: string; message?: string };
        const why = err.name === 'TimeoutError' || /TIMEOUT/.test(err.code ?? '') ? `no answer within ${this.timeoutMs / 1000} s` : (err.code ?? err.message ?? String(error));
        throw new UserError(`reading the index: ${method} ${redactUrl(current)} failed: ${why}`);
      }
      const body = method === 'HEAD' ? (await response.body.dump(), '') : await response.body.text();
      const location = header(response.headers, 'location');
      if (REDIRECTS.has(response.statusCode) && location !== undefined && hop < MAX_HOPS) {
        const next = new URL(location, current);
        if (next.origin !== this.origin.origin) {
          return { status: response.statusCode, url: current, offOrigin: next.href, body };
        }
        current = next;
        continue;
      }
      const length = header(response.headers, 'content-length');
      return {
        status: response.statusCode,
        url: current,
        contentType: header(response.headers, 'content-type'),
        ...(length !== undefined && /^\d+$/.test(length) ? { contentLength: Number(length) } : {}),
        body,
      };
    }
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}
