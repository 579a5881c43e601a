/**
 * One HTTP GET on an install's connection: timed from dispatch to the last
 * body byte, body counted (kept only when the caller needs to read links),
 * failures classified the way the seed counts them.
 */
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import type { Client } from 'undici';

export type ErrorClass =
  | 'timeout'
  | 'connect_timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns'
  | 'aborted'
  | 'http_status'
  /** Not an HTTP failure: the index page answered, but listed no file to install (an operation without a request). */
  | 'no_file'
  | 'other';

export interface AttemptResult {
  /** performance.now() at dispatch. */
  startPerf: number;
  latencyMs: number;
  status?: number;
  bytes: number;
  errorClass?: ErrorClass;
  error?: string;
  connection: string | null;
  upstream: string | null;
  location?: string;
  retryAfter?: string;
  contentType?: string;
  /** The response's Set-Cookie headers (for the client's cookie jar; never recorded). */
  setCookies?: string[];
  /** Decoded body, when requested and the request succeeded. */
  body?: string;
}

interface ErrorLike {
  code?: string;
  name?: string;
  message?: string;
  cause?: ErrorLike;
  errors?: ErrorLike[];
}

function codeOf(error: ErrorLike | undefined): string | undefined {
  if (!error) return undefined;
  return error.code ?? codeOf(error.cause) ?? (error.errors && error.errors.length > 0 ? codeOf(error.errors[0]) : undefined);
}

/** Maps an undici / socket error to the failure classes capsim reports. */
export function classifyError(error: unknown): { errorClass: ErrorClass; error: string } {
  const err = (error ?? {}) as ErrorLike;
  const code = codeOf(err);
  let errorClass: ErrorClass;
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'ETIMEDOUT':
      errorClass = 'timeout';
      break;
    case 'UND_ERR_CONNECT_TIMEOUT':
      errorClass = 'connect_timeout';
      break;
    case 'ECONNREFUSED':
      errorClass = 'connection_refused';
      break;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      errorClass = 'connection_reset';
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      errorClass = 'dns';
      break;
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      errorClass = 'aborted';
      break;
    default:
      errorClass = err.name === 'AbortError' ? 'aborted' : 'other';
  }
  const text = `${code ? `${code}: ` : ''}${err.message ?? String(error)}`.split('\n')[0].slice(0, 200);
  return { errorClass, error: text };
}

function decodeBody(raw: Buffer, encoding: string | undefined): string {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(raw).toString('utf8');
    case 'deflate':
      return zlib.inflateSync(raw).toString('utf8');
    case 'br':
      return zlib.brotliDecompressSync(raw).toString('utf8');
    default:
      return raw.toString('utf8');
  }
}

export interface AttemptRequest {
  client: Client;
  connectionId: () => string | null;
  /** Path and query, starting with "/". */
  path: string;
  headers: Record<string, string>;
  keepBody: boolean;
  signal?: AbortSignal;
  /**
   * pip's (connect, read) timeout, to the millisecond: connecting may take this long, then the
   * request is written and no response byte for this long fails the attempt as a timeout.
   * (undici's own headersTimeout and bodyTimeout run on a coarse timer that fires up to about a
   * second late: a 1 s timeout waited 1.15-1.19 s in a burst.)
   */
  timeoutMs?: number;
}

interface ResponseHead {
  status: number;
  upstream: string | null;
  location?: string;
  retryAfter?: string;
  contentType?: string;
  contentEncoding?: string;
  setCookies?: string[];
}

/** Picks the few response headers capsim uses out of undici's raw [name, value, ...] list. */
function readHead(status: number, raw: Buffer[] | string[] | null | undefined): ResponseHead {
  const head: ResponseHead = { status, upstream: null };
  if (!raw) return head;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toString().toLowerCase();
    switch (name) {
      case 'x-upstream':
        head.upstream = raw[i + 1].toString();
        break;
      case 'location':
        head.location = raw[i + 1].toString();
        break;
      case 'retry-after':
        head.retryAfter = raw[i + 1].toString();
        break;
      case 'content-type':
        head.contentType = raw[i + 1].toString();
        break;
      case 'content-encoding':
        head.contentEncoding = raw[i + 1].toString();
        break;
      case 'set-cookie':
        (head.setCookies ??= []).push(raw[i + 1].toString());
        break;
      default:
    }
  }
  return head;
}

/**
 * Sends one GET and reads the whole response; never throws. Uses undici's
 * dispatch with a plain handler (no stream objects), so that the generator's
 * own cost per request stays small next to what it measures (see bench/generator.ts).
 */
export function sendAttempt(request: AttemptRequest): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const startPerf = performance.now();
    let head: ResponseHead | null = null;
    let bytes = 0;
    const chunks: Buffer[] | null = request.keepBody ? [] : null;
    let abortDispatch: ((reason?: Error) => void) | null = null;
    let settled = false;
    let timedOut: Error | null = null;
    let timer: NodeJS.Timeout | null = null;
    const onAbort = () => abortDispatch?.(Object.assign(new Error('aborted by capsim'), { code: 'UND_ERR_ABORTED' }));
    const onTimeout = () => {
      timer = null;
      if (abortDispatch) {
        timedOut = Object.assign(new Error(`no response byte within ${request.timeoutMs} ms`), { code: 'UND_ERR_HEADERS_TIMEOUT' });
        abortDispatch(timedOut);
      } else {
        // Still connecting: fail now; the caller discards this client (see InstallConnections.discard).
        timedOut = Object.assign(new Error(`not connected within ${request.timeoutMs} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' });
        fail(timedOut);
      }
    };
    // Node starts a timer from the event loop's cached clock, which lags when the loop is busy (a burst is
    // dispatched in one synchronous loop) or the process is descheduled: such a timer fires early. The deadline
    // is kept on the performance clock, and a timer that fires before it is set again for what is left.
    let deadline = 0;
    const expire = () => {
      const left = deadline - performance.now();
      if (left > 0.5) timer = setTimeout(expire, left);
      else onTimeout();
    };
    const armTimeout = () => {
      if (request.timeoutMs === undefined || settled) return;
      deadline = performance.now() + request.timeoutMs;
      if (timer) timer.refresh();
      else timer = setTimeout(expire, request.timeoutMs);
    };
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      timer = null;
      request.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const fail = (error: unknown) => {
      const { errorClass, error: text } = classifyError(error);
      finish({ startPerf, latencyMs: performance.now() - startPerf, bytes: 0, errorClass, error: text, connection: request.connectionId(), upstream: head?.upstream ?? null });
    };
    if (request.signal?.aborted) {
      fail(Object.assign(new Error('aborted by capsim'), { code: 'UND_ERR_ABORTED' }));
      return;
    }
    request.signal?.addEventListener('abort', onAbort, { once: true });
    armTimeout();
    try {
      request.client.dispatch(
        { method: 'GET', path: request.path, headers: request.headers },
        {
          onConnect(abort: (reason?: Error) => void) {
            abortDispatch = abort;
            if (timedOut) abort(timedOut);
            else if (request.signal?.aborted) onAbort();
            else armTimeout(); // connected, about to write the request: the read timeout starts
          },
          onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null) {
            head = readHead(statusCode, rawHeaders);
            armTimeout();
            return true;
          },
          onData(chunk: Buffer) {
            armTimeout();
            bytes += chunk.length;
            if (chunks) chunks.push(chunk);
            return true;
          },
          onComplete() {
            const latencyMs = performance.now() - startPerf;
            const h = head!;
            const result: AttemptResult = {
              startPerf,
              latencyMs,
              status: h.status,
              bytes,
              connection: request.connectionId(),
              upstream: h.upstream,
              location: h.location,
              retryAfter: h.retryAfter,
              contentType: h.contentType,
              ...(h.setCookies ? { setCookies: h.setCookies } : {}),
            };
            if (h.status >= 400) result.errorClass = 'http_status';
            if (chunks && h.status < 400) {
              try {
                result.body = decodeBody(Buffer.concat(chunks), h.contentEncoding);
              } catch {
                result.body = '';
              }
            }
            finish(result);
          },
          onError(error: Error) {
            fail(error);
          },
        } as unknown as Parameters<Client['dispatch']>[1],
      );
    } catch (error) {
      fail(error);
    }
  });
}
