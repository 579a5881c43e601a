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

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
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
}

/** Sends one GET and reads the whole response; never throws. */
export async function sendAttempt(request: AttemptRequest): Promise<AttemptResult> {
  const startPerf = performance.now();
  let connection: string | null = null;
  try {
    const response = await request.client.request({
      method: 'GET',
      path: request.path,
      headers: request.headers,
      signal: request.signal,
    });
    connection = request.connectionId();
    let bytes = 0;
    const chunks: Buffer[] | null = request.keepBody ? [] : null;
    for await (const chunk of response.body) {
      bytes += (chunk as Buffer).length;
      if (chunks) chunks.push(chunk as Buffer);
    }
    const latencyMs = performance.now() - startPerf;
    const headers = response.headers;
    const result: AttemptResult = {
      startPerf,
      latencyMs,
      status: response.statusCode,
      bytes,
      connection,
      upstream: header(headers, 'x-upstream') ?? null,
      location: header(headers, 'location'),
      retryAfter: header(headers, 'retry-after'),
      contentType: header(headers, 'content-type'),
    };
    if (response.statusCode >= 400) result.errorClass = 'http_status';
    if (chunks && response.statusCode < 400) {
      try {
        result.body = decodeBody(Buffer.concat(chunks), header(headers, 'content-encoding'));
      } catch {
        result.body = '';
      }
    }
    return result;
  } catch (error) {
    const latencyMs = performance.now() - startPerf;
    const { errorClass, error: text } = classifyError(error);
    return { startPerf, latencyMs, bytes: 0, errorClass, error: text, connection: connection ?? request.connectionId(), upstream: null };
  }
}
