/**
 * Writes ALB access log lines the way AWS documents them (ELB user guide,
 * "Access log entries": the field list and the example entries for HTTP,
 * HTTPS, HTTP/2 and WebSockets), independently of capsim's parser: times with
 * microseconds, processing times with milliseconds, -1 and "-" where the load
 * balancer had no value, the request and user agent in quotes.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface LoggedCall {
  type?: 'http' | 'https' | 'h2' | 'ws' | 'wss';
  /** When the load balancer received the request (request_creation_time), epoch ms. */
  receivedMs: number;
  /** When it sent the response (time), epoch ms. */
  answeredMs: number;
  client: string;
  clientPort: number;
  /** "ip:port", or null when no target received it. */
  target: string | null;
  /** Seconds; -1 when the target did not answer. */
  targetProcessingS: number;
  elbStatus: number;
  targetStatus: number | null;
  sentBytes: number;
  method?: string;
  path: string;
  userAgent: string;
}

const ELB = 'app/pypi-alb/50dc6c495c0c9188';
const TARGET_GROUP = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/pypi/73e2d6bc24d8a067';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';

/** 2025-06-03T10:30:00.123456Z: milliseconds and microseconds, as the load balancer writes times. */
export function albTime(ms: number): string {
  const micros = Math.round(ms * 1000);
  const whole = Math.floor(micros / 1000);
  return `${new Date(whole).toISOString().slice(0, 23)}${String(micros - whole * 1000).padStart(3, '0')}Z`;
}

const s3 = (seconds: number) => (seconds < 0 ? '-1' : seconds.toFixed(3));

let trace = 0;

export function albLogLine(c: LoggedCall): string {
  const type = c.type ?? 'http';
  const tls = type === 'https' || type === 'h2' || type === 'wss';
  const host = tls ? 'pypi.example.internal:443' : 'pypi-alb-123456789.eu-west-1.elb.amazonaws.com:80';
  const scheme = tls ? 'https' : 'http';
  const version = type === 'h2' ? 'HTTP/2.0' : 'HTTP/1.1';
  const dispatched = c.target !== null;
  const answered = c.targetStatus !== null;
  const requestPt = dispatched ? 0.001 : -1;
  const responsePt = answered ? 0.0 : -1;
  trace++;
  const fields = [
    type,
    albTime(c.answeredMs),
    ELB,
    `${c.client}:${c.clientPort}`,
    c.target ?? '-',
    s3(requestPt),
    s3(answered ? c.targetProcessingS : -1),
    s3(responsePt),
    String(c.elbStatus),
    c.targetStatus === null ? '-' : String(c.targetStatus),
    '230',
    String(c.sentBytes),
    `"${c.method ?? 'GET'} ${scheme}://${host}${c.path} ${version}"`,
    `"${c.userAgent}"`,
    tls ? 'ECDHE-RSA-AES128-GCM-SHA256' : '-',
    tls ? 'TLSv1.2' : '-',
    TARGET_GROUP,
    `"Root=1-${Math.floor(c.receivedMs / 1000).toString(16)}-${trace.toString(16).padStart(24, '0')}"`,
    tls ? '"pypi.example.internal"' : '"-"',
    tls ? `"${CERT}"` : '"-"',
    '0',
    albTime(c.receivedMs),
    '"forward"',
    '"-"',
    '"-"',
    `"${c.target ?? '-'}"`,
    `"${c.targetStatus ?? '-'}"`,
    '"-"',
    '"-"',
    `TID_${trace.toString(16).padStart(16, '0')}`,
  ];
  return fields.join(' ');
}

/** Writes lines to a file, gzipped when the name ends with .gz. */
export function writeLog(path: string, lines: string[]): void {
  const text = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
}
