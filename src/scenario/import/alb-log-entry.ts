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

/**
 * Where the fields of one line are: field k is line[start[k], end[k]) (quotes
 * excluded). Reused from line to line, so reading a line cuts out only the
 * fields it keeps.
 */
export class FieldOffsets {
  readonly start = new Int32Array(64);
  readonly end = new Int32Array(64);
}

/**
 * Finds the fields of a line. Quoted fields end at a quote followed by a
 * space or the end of the line (a quote inside a field is kept); `\"` inside
 * quotes is an escaped quote. Stops after `limit` fields (at most 64). Returns
 * the number of fields, or -1 when a quoted field is not closed.
 */
export function locateFields(line: string, o: FieldOffsets, limit = 64): number {
  const len = line.length;
  const max = Math.min(limit, 64);
  let i = 0;
  let n = 0;
  while (i < len && n < max) {
    if (line.charCodeAt(i) === 34) {
      // The closing quote is the first one followed by a space (or the line's last character) that no
      // backslash escapes: one search skips the quotes inside, such as those of pip's JSON agent.
      let q = line.indexOf('" ', i + 1);
      while (q > i && line.charCodeAt(q - 1) === 92) q = line.indexOf('" ', q + 1);
      if (q < 0) {
        if (len - 1 > i && line.charCodeAt(len - 1) === 34 && line.charCodeAt(len - 2) !== 92) q = len - 1;
        else return -1;
      }
      o.start[n] = i + 1;
      o.end[n++] = q;
      i = q + 2;
    } else {
      let j = line.indexOf(' ', i);
      if (j < 0) j = len;
      o.start[n] = i;
      o.end[n++] = j;
      i = j + 1;
    }
  }
  return n;
}

/** The text of field k (`\\"` inside a quoted field read as a quote). */
export function fieldText(line: string, o: FieldOffsets, k: number): string {
  const raw = line.slice(o.start[k], o.end[k]);
  return raw.includes('\\"') ? raw.replace(/\\"/g, '"') : raw;
}

/** Splits a line into its fields (see locateFields). */
export function splitAlbFields(line: string, out: string[], limit = 64): number {
  const o = new FieldOffsets();
  const n = locateFields(line, o, limit);
  for (let k = 0; k < n; k++) out[k] = fieldText(line, o, k);
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

/** The ISO 8601 UTC time in s[from, to) (see parseAlbTime). */
function timeAt(s: string, from: number, to: number): number {
  const at = (k: number) => s.charCodeAt(from + k);
  if (to - from < 20 || at(4) !== 45 || at(7) !== 45 || at(10) !== 84 || at(13) !== 58 || at(16) !== 58) return NaN;
  const y = digits(s, from, 4);
  const mo = digits(s, from + 5, 2);
  const d = digits(s, from + 8, 2);
  const h = digits(s, from + 11, 2);
  const mi = digits(s, from + 14, 2);
  const sec = digits(s, from + 17, 2);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && sec <= 60)) return NaN;
  let k = from + 19;
  let fraction = 0;
  if (s.charCodeAt(k) === 46) {
    k++;
    let scale = 100;
    const start = k;
    while (k < to) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) break;
      fraction += c * scale;
      scale /= 10;
      k++;
    }
    if (k === start) return NaN;
  }
  const rest = to - k;
  if (!(rest === 1 && s.charCodeAt(k) === 90) && !(rest === 6 && s.startsWith('+00:00', k))) return NaN;
  return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) * 1000 + fraction;
}

/**
 * Epoch milliseconds (with the sub-millisecond fraction) of an ISO 8601 UTC
 * time as the load balancer writes it: 2018-07-02T22:23:00.186641Z. Also
 * accepts no fraction and a "+00:00" zone. NaN when it is not such a time.
 */
export function parseAlbTime(s: string): number {
  return timeAt(s, 0, s.length);
}

/** "-" (one character) in s[from, to). */
function isDash(s: string, from: number, to: number): boolean {
  return to - from === 1 && s.charCodeAt(from) === 45;
}

/** A decimal number ("0.001", "-1", "34") in s[from, to); NaN when it is not one. */
function decimalAt(s: string, from: number, to: number): number {
  let k = from;
  let sign = 1;
  if (s.charCodeAt(k) === 45) {
    sign = -1;
    k++;
  }
  let value = 0;
  let digitsSeen = 0;
  while (k < to) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    digitsSeen++;
    k++;
  }
  if (k < to && s.charCodeAt(k) === 46) {
    k++;
    let scale = 0.1;
    while (k < to) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) break;
      value += c * scale;
      scale /= 10;
      digitsSeen++;
      k++;
    }
  }
  return digitsSeen > 0 && k === to ? sign * value : NaN;
}

/** Seconds in a processing-time field; -1 for "-" or -1. */
function secondsAt(s: string, from: number, to: number): number {
  return isDash(s, from, to) ? -1 : decimalAt(s, from, to);
}

/** A byte count ("-" = 0). */
function countAt(s: string, from: number, to: number): number {
  if (isDash(s, from, to)) return 0;
  const v = decimalAt(s, from, to);
  return Number.isInteger(v) && v >= 0 ? v : NaN;
}

function statusAt(s: string, from: number, to: number): number {
  const v = to - from === 3 ? decimalAt(s, from, to) : NaN;
  return Number.isInteger(v) && v >= 100 ? v : NaN;
}

const scratch = new FieldOffsets();

/** The type at the start of a line (its first field ends at `end`), or null: no slice for the common ones. */
function entryType(line: string, end: number): AlbEntryType | null {
  const c = line.charCodeAt(0);
  if (c === 104) {
    if (end === 4 && line.startsWith('http')) return 'http';
    if (end === 5 && line.startsWith('https')) return 'https';
    if (end === 2 && line.charCodeAt(1) === 50) return 'h2';
  } else if (c === 119) {
    if (end === 2 && line.charCodeAt(1) === 115) return 'ws';
    if (end === 3 && line.startsWith('wss')) return 'wss';
  } else if (end === 5 && line.startsWith('grpcs')) return 'grpcs';
  return null;
}

/**
 * Parses one line (`offsets` is scratch space reused across calls; with
 * `into`, the entry is written there instead of a new object, for a caller
 * that keeps nothing of it past the line). Returns the entry or why the line is not one.
 */
export function parseAlbLogLine(line: string, offsets: FieldOffsets = scratch, into?: AlbLogEntry): AlbLogEntry | MalformedLine {
  const o = offsets;
  // Fields after request_creation_time are not needed.
  const n = locateFields(line, o, F_CREATION + 1);
  if (n < 0) return { reason: 'a quoted field is not closed' };
  const type = entryType(line, o.end[F_TYPE]);
  if (type === null) return { reason: `type "${line.slice(0, Math.min(o.end[F_TYPE], 20))}" is not one of ${ALB_ENTRY_TYPES.join(', ')}` };
  if (n < MIN_FIELDS) return { reason: `${n} fields (an ALB access log entry has at least ${MIN_FIELDS})` };
  const timeMs = timeAt(line, o.start[F_TIME], o.end[F_TIME]);
  if (Number.isNaN(timeMs)) return { reason: `time "${fieldText(line, o, F_TIME).slice(0, 40)}" is not an ISO 8601 UTC time` };
  const cs = o.start[F_CLIENT];
  const ce = o.end[F_CLIENT];
  const colon = line.lastIndexOf(':', ce - 1);
  const port = colon > cs ? decimalAt(line, colon + 1, ce) : NaN;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) return { reason: `client:port "${fieldText(line, o, F_CLIENT).slice(0, 60)}" is not an address` };
  const bracketed = line.charCodeAt(cs) === 91 && line.charCodeAt(colon - 1) === 93;
  const client = bracketed ? line.slice(cs + 1, colon - 1) : line.slice(cs, colon);
  const target = isDash(line, o.start[F_TARGET], o.end[F_TARGET]) ? null : line.slice(o.start[F_TARGET], o.end[F_TARGET]);
  const requestProcessingS = secondsAt(line, o.start[F_REQUEST_PT], o.end[F_REQUEST_PT]);
  const targetProcessingS = secondsAt(line, o.start[F_TARGET_PT], o.end[F_TARGET_PT]);
  const responseProcessingS = secondsAt(line, o.start[F_RESPONSE_PT], o.end[F_RESPONSE_PT]);
  if (Number.isNaN(requestProcessingS) || Number.isNaN(targetProcessingS) || Number.isNaN(responseProcessingS)) {
    return { reason: 'a processing time is not a number of seconds' };
  }
  const elbStatus = statusAt(line, o.start[F_ELB_STATUS], o.end[F_ELB_STATUS]);
  if (Number.isNaN(elbStatus)) return { reason: `elb_status_code "${fieldText(line, o, F_ELB_STATUS).slice(0, 20)}" is not an HTTP status` };
  const noTargetStatus = isDash(line, o.start[F_TARGET_STATUS], o.end[F_TARGET_STATUS]);
  const targetStatus = noTargetStatus ? null : statusAt(line, o.start[F_TARGET_STATUS], o.end[F_TARGET_STATUS]);
  if (targetStatus !== null && Number.isNaN(targetStatus)) return { reason: `target_status_code "${fieldText(line, o, F_TARGET_STATUS).slice(0, 20)}" is not an HTTP status or "-"` };
  const receivedBytes = countAt(line, o.start[F_RECEIVED], o.end[F_RECEIVED]);
  const sentBytes = countAt(line, o.start[F_SENT], o.end[F_SENT]);
  if (Number.isNaN(receivedBytes) || Number.isNaN(sentBytes)) return { reason: 'received_bytes or sent_bytes is not a byte count' };
  // The request line: METHOD URL VERSION, found in place (a URL holds no unescaped quote or space).
  const rs = o.start[F_REQUEST];
  const re = o.end[F_REQUEST];
  const sp1 = line.indexOf(' ', rs);
  const sp2 = sp1 < 0 || sp1 >= re ? -1 : line.lastIndexOf(' ', re - 1);
  let method = '-';
  let url = '-';
  let httpVersion = '-';
  if (sp1 > rs && sp1 < re && sp2 > sp1) {
    method = line.slice(rs, sp1);
    url = line.slice(sp1 + 1, sp2);
    if (url.includes('\\"')) url = url.replace(/\\"/g, '"');
    httpVersion = line.slice(sp2 + 1, re);
  } else {
    const whole = line.slice(rs, re);
    if (whole !== '- - -' && whole !== '-') return { reason: `request "${whole.slice(0, 60)}" is not "METHOD URL VERSION"` };
  }
  let creationMs = NaN;
  if (n > F_CREATION && !isDash(line, o.start[F_CREATION], o.end[F_CREATION])) {
    creationMs = timeAt(line, o.start[F_CREATION], o.end[F_CREATION]);
    if (Number.isNaN(creationMs)) return { reason: `request_creation_time "${fieldText(line, o, F_CREATION).slice(0, 40)}" is not an ISO 8601 UTC time` };
  }
  if (Number.isNaN(creationMs)) {
    // Older entries: the response time less the processing the load balancer reports.
    const spent = Math.max(0, requestProcessingS) + Math.max(0, targetProcessingS) + Math.max(0, responseProcessingS);
    creationMs = timeMs - spent * 1000;
  }
  const entry = into ?? ({} as AlbLogEntry);
  entry.type = type as AlbEntryType;
  entry.timeMs = timeMs;
  entry.creationMs = creationMs;
  entry.client = client;
  entry.clientPort = port;
  entry.target = target;
  entry.requestProcessingS = requestProcessingS;
  entry.targetProcessingS = targetProcessingS;
  entry.responseProcessingS = responseProcessingS;
  entry.elbStatus = elbStatus;
  entry.targetStatus = targetStatus;
  entry.receivedBytes = receivedBytes;
  entry.sentBytes = sentBytes;
  entry.method = method;
  entry.url = url;
  entry.httpVersion = httpVersion;
  entry.userAgent = fieldText(line, o, F_USER_AGENT);
  return entry;
}

export function isMalformed(parsed: AlbLogEntry | MalformedLine): parsed is MalformedLine {
  return (parsed as MalformedLine).reason !== undefined;
}
