/**
 * One line of an Application Load Balancer access log, in the field order AWS
 * documents ("Access log entries" in the ELB user guide; docs/traffic-import.md
 * restates it). Fields are separated by single spaces; the request, user agent,
 * trace id, domain, certificate, actions, redirect URL, error reason, target
 * lists and classification fields are enclosed in double quotes and may hold
 * spaces; "-" marks a value the load balancer did not have (no target, no TLS,
 * no response from the target). AWS appends new fields at the end, so fields
 * after the ones listed here are ignored.
 */

/** The documented fields, in order (1-based position = index + 1). */
export const ALB_LOG_FIELDS = [
  'type',
  'time',
  'elb',
  'client:port',
  'target:port',
  'request_processing_time',
  'target_processing_time',
  'response_processing_time',
  'elb_status_code',
  'target_status_code',
  'received_bytes',
  'sent_bytes',
  'request',
  'user_agent',
  'ssl_cipher',
  'ssl_protocol',
  'target_group_arn',
  'trace_id',
  'domain_name',
  'chosen_cert_arn',
  'matched_rule_priority',
  'request_creation_time',
  'actions_executed',
  'redirect_url',
  'error_reason',
  'target:port_list',
  'target_status_code_list',
  'classification',
  'classification_reason',
  'conn_trace_id',
] as const;

/** Entries before request_creation_time existed stop after trace_id; fewer fields than the user agent is not an entry. */
const MIN_FIELDS = 14;
const F_TYPE = 0;
const F_TIME = 1;
const F_CLIENT = 3;
const F_TARGET = 4;
const F_REQUEST_PT = 5;
const F_TARGET_PT = 6;
const F_RESPONSE_PT = 7;
const F_ELB_STATUS = 8;
const F_TARGET_STATUS = 9;
const F_RECEIVED = 10;
const F_SENT = 11;
const F_REQUEST = 12;
const F_USER_AGENT = 13;
const F_CREATION = 21;

/** Connection types the load balancer logs. */
export const ALB_ENTRY_TYPES = ['http', 'https', 'h2', 'grpcs', 'ws', 'wss'] as const;
export type AlbEntryType = (typeof ALB_ENTRY_TYPES)[number];

export interface AlbLogEntry {
  type: AlbEntryType;
  /** When the load balancer sent the response (for WebSockets: closed the connection), epoch ms. */
  timeMs: number;
  /** When the load balancer received the request, epoch ms (request_creation_time; estimated from the processing times on older entries without it). */
  creationMs: number;
  /** Client IP address (without the port). */
  client: string;
  clientPort: number;
  /** "ip:port" of the target, or null ("-": not dispatched, no target). */
  target: string | null;
  /** Seconds; -1 when the load balancer could not dispatch the request or the target did not answer. */
  requestProcessingS: number;
  targetProcessingS: number;
  responseProcessingS: number;
  elbStatus: number;
  /** null when the target sent no response ("-"). */
  targetStatus: number | null;
  receivedBytes: number;
  sentBytes: number;
  /** "GET", "POST", ... or "-" for a request the client never completed. */
  method: string;
  /** The URL of the request line as the client sent it ("-" when there is none). */
  url: string;
  httpVersion: string;
  /** "-" when the client sent none. */
  userAgent: string;
}

/** A line that is not an entry: why, in a few words. */
export interface MalformedLine {
  reason: string;
}

const TYPES = new Set<string>(ALB_ENTRY_TYPES);

/**
 * Splits a line into its fields. Quoted fields end at a quote followed by a
 * space or the end of the line (a quote inside a field is kept); `\"` inside
 * quotes is an escaped quote. Returns the number of fields, or -1 when a quoted
 * field is not closed.
 */
export function splitAlbFields(line: string, out: string[]): number {
  const len = line.length;
  let i = 0;
  let n = 0;
  while (i < len) {
    if (line.charCodeAt(i) === 34) {
      let from = i + 1;
      let escaped = false;
      for (;;) {
        const q = line.indexOf('"', from);
        if (q < 0) return -1;
        if (line.charCodeAt(q - 1) === 92 && q - 1 > i) {
          escaped = true;
          from = q + 1;
          continue;
        }
        if (q + 1 === len || line.charCodeAt(q + 1) === 32) {
          const raw = line.slice(i + 1, q);
          out[n++] = escaped ? raw.replace(/\\"/g, '"') : raw;
          i = q + 2;
          break;
        }
        from = q + 1;
      }
    } else {
      let j = line.indexOf(' ', i);
      if (j < 0) j = len;
      out[n++] = line.slice(i, j);
      i = j + 1;
    }
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(s: string, from: number, count: number): number {
  let v = 0;
  for (let k = from; k < from + count; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Epoch milliseconds (with the sub-millisecond fraction) of an ISO 8601 UTC
 * time as the load balancer writes it: 2018-07-02T22:23:00.186641Z. Also
 * accepts no fraction and a "+00:00" zone. NaN when it is not such a time.
 */
export function parseAlbTime(s: string): number {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 60)) return NaN;
  let k = 19;
  let fraction = 0;
  if (s.charCodeAt(k) === 46) {
    k++;
    let scale = 100;
    const start = k;
    while (k < s.length) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) break;
      fraction += c * scale;
      scale /= 10;
      k++;
    }
    if (k === start) return NaN;
  }
  const zone = s.slice(k);
  if (zone !== 'Z' && zone !== '+00:00') return NaN;
  return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + fraction;
}

function seconds(field: string): number {
  if (field === '-') return -1;
  const v = Number(field);
  return Number.isFinite(v) ? v : NaN;
}

function count(field: string): number {
  if (field === '-') return 0;
  const v = Number(field);
  return Number.isInteger(v) && v >= 0 ? v : NaN;
}

/** "ip:port" (IPv6 as [addr]:port or addr:port) -> [ip, port]. */
function splitAddress(field: string): [string, number] | null {
  const colon = field.lastIndexOf(':');
  if (colon <= 0) return null;
  let ip = field.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  const port = Number(field.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  return [ip, port];
}

/**
 * Parses one line. `fields` is scratch space reused across calls (the parser
 * allocates only the strings it keeps). Returns the entry or why the line is not one.
 */
export function parseAlbLogLine(line: string, fields: string[] = []): AlbLogEntry | MalformedLine {
  const n = splitAlbFields(line, fields);
  if (n < 0) return { reason: 'a quoted field is not closed' };
  const type = fields[F_TYPE];
  if (!TYPES.has(type)) return { reason: `type "${type.slice(0, 20)}" is not one of ${ALB_ENTRY_TYPES.join(', ')}` };
  if (n < MIN_FIELDS) return { reason: `${n} fields (an ALB access log entry has at least ${MIN_FIELDS})` };
  const timeMs = parseAlbTime(fields[F_TIME]);
  if (Number.isNaN(timeMs)) return { reason: `time "${fields[F_TIME].slice(0, 40)}" is not an ISO 8601 UTC time` };
  const client = splitAddress(fields[F_CLIENT]);
  if (!client) return { reason: `client:port "${fields[F_CLIENT].slice(0, 60)}" is not an address` };
  const targetField = fields[F_TARGET];
  const target = targetField === '-' ? null : targetField;
  const requestProcessingS = seconds(fields[F_REQUEST_PT]);
  const targetProcessingS = seconds(fields[F_TARGET_PT]);
  const responseProcessingS = seconds(fields[F_RESPONSE_PT]);
  if (Number.isNaN(requestProcessingS) || Number.isNaN(targetProcessingS) || Number.isNaN(responseProcessingS)) {
    return { reason: 'a processing time is not a number of seconds' };
  }
  const elbStatus = Number(fields[F_ELB_STATUS]);
  if (!Number.isInteger(elbStatus) || elbStatus < 100 || elbStatus > 999) return { reason: `elb_status_code "${fields[F_ELB_STATUS].slice(0, 20)}" is not an HTTP status` };
  const ts = fields[F_TARGET_STATUS];
  const targetStatus = ts === '-' ? null : Number(ts);
  if (targetStatus !== null && !(Number.isInteger(targetStatus) && targetStatus >= 100 && targetStatus <= 999)) {
    return { reason: `target_status_code "${ts.slice(0, 20)}" is not an HTTP status or "-"` };
  }
  const receivedBytes = count(fields[F_RECEIVED]);
  const sentBytes = count(fields[F_SENT]);
  if (Number.isNaN(receivedBytes) || Number.isNaN(sentBytes)) return { reason: 'received_bytes or sent_bytes is not a byte count' };
  const request = fields[F_REQUEST];
  const sp1 = request.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : request.lastIndexOf(' ');
  let method = '-';
  let url = '-';
  let httpVersion = '-';
  if (sp1 > 0 && sp2 > sp1) {
    method = request.slice(0, sp1);
    url = request.slice(sp1 + 1, sp2);
    httpVersion = request.slice(sp2 + 1);
  } else if (request !== '- - -' && request !== '-') {
    return { reason: `request "${request.slice(0, 60)}" is not "METHOD URL VERSION"` };
  }
  let creationMs = NaN;
  if (n > F_CREATION && fields[F_CREATION] !== '-') {
    creationMs = parseAlbTime(fields[F_CREATION]);
    if (Number.isNaN(creationMs)) return { reason: `request_creation_time "${fields[F_CREATION].slice(0, 40)}" is not an ISO 8601 UTC time` };
  }
  if (Number.isNaN(creationMs)) {
    // Older entries: the response time less the processing the load balancer reports.
    const spent = Math.max(0, requestProcessingS) + Math.max(0, targetProcessingS) + Math.max(0, responseProcessingS);
    creationMs = timeMs - spent * 1000;
  }
  return {
    type: type as AlbEntryType,
    timeMs,
    creationMs,
    client: client[0],
    clientPort: client[1],
    target,
    requestProcessingS,
    targetProcessingS,
    responseProcessingS,
    elbStatus,
    targetStatus,
    receivedBytes,
    sentBytes,
    method,
    url,
    httpVersion,
    userAgent: fields[F_USER_AGENT],
  };
}

export function isMalformed(parsed: AlbLogEntry | MalformedLine): parsed is MalformedLine {
  return (parsed as MalformedLine).reason !== undefined;
}
