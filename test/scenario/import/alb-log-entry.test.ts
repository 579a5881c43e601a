import { describe, expect, it } from 'vitest';
import { ALB_LOG_FIELDS, isMalformed, parseAlbLogLine, parseAlbTime, splitAlbFields, type AlbLogEntry } from '../../../src/scenario/import/alb-log-entry.js';
import { albLogLine, albTime } from './alb-log-writer.js';

// The example entries of AWS's "Access log entries" page (ELB user guide), one per connection type.
const AWS_HTTP =
  'http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90';
const AWS_H2 =
  'h2 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 "GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337327-72bd00b0343d75b906739c42" "-" "-" 1 2018-07-02T22:22:48.364000Z "redirect" "https://example.com:80/" "-" "10.0.0.66:9000" "200" "-" "-" TID_1234abcd5678ef90';
const AWS_WS =
  'ws 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:40914 10.0.1.192:8010 0.001 0.003 0.000 101 101 218 587 "GET http://10.0.0.30:80/ HTTP/1.1" "-" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b185e3" "-" "-" 1 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.1.192:8010" "101" "-" "-" TID_1234abcd5678ef90';
const AWS_WSS =
  'wss 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.0.140:44244 10.0.0.171:8010 0.000 0.001 0.000 101 101 218 786 "GET https://10.0.0.30:443/ HTTP/1.1" "-" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b185e3" "-" "-" 1 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.171:8010" "101" "-" "-" TID_1234abcd5678ef90';

function entry(line: string): AlbLogEntry {
  const parsed = parseAlbLogLine(line);
  if (isMalformed(parsed)) throw new Error(parsed.reason);
  return parsed;
}

describe('ALB access log entries', () => {
  it('reads AWS\'s HTTP example field by field', () => {
    const e = entry(AWS_HTTP);
    expect(e).toEqual({
      type: 'http',
      timeMs: Date.UTC(2018, 6, 2, 22, 23, 0, 186) + 0.641,
      creationMs: Date.UTC(2018, 6, 2, 22, 22, 48, 364),
      client: '192.168.131.39',
      clientPort: 2817,
      target: '10.0.0.1:80',
      requestProcessingS: 0,
      targetProcessingS: 0.001,
      responseProcessingS: 0,
      elbStatus: 200,
      targetStatus: 200,
      receivedBytes: 34,
      sentBytes: 366,
      method: 'GET',
      url: 'http://www.example.com:80/',
      httpVersion: 'HTTP/1.1',
      userAgent: 'curl/7.46.0',
    });
    const fields: string[] = [];
    expect(splitAlbFields(AWS_HTTP, fields)).toBe(ALB_LOG_FIELDS.length);
  });

  it('reads HTTP/2, WebSocket and secure WebSocket entries', () => {
    expect(entry(AWS_H2)).toMatchObject({ type: 'h2', httpVersion: 'HTTP/2.0', url: 'https://10.0.2.105:773/', client: '10.0.1.252', target: '10.0.0.66:9000' });
    expect(entry(AWS_WS)).toMatchObject({ type: 'ws', elbStatus: 101, targetStatus: 101, userAgent: '-' });
    expect(entry(AWS_WSS)).toMatchObject({ type: 'wss', elbStatus: 101, sentBytes: 786 });
  });

  it('keeps spaces inside quoted fields and reads "-" as no value', () => {
    const ua = 'pip/25.3 {"ci":null,"cpu":"x86_64","implementation":{"name":"CPython","version":"3.11.2"}}';
    const line = albLogLine({
      receivedMs: Date.UTC(2025, 5, 3, 10, 30, 0, 1),
      answeredMs: Date.UTC(2025, 5, 3, 10, 30, 0, 2),
      client: '10.20.0.7',
      clientPort: 51000,
      target: null,
      targetProcessingS: -1,
      elbStatus: 503,
      targetStatus: null,
      sentBytes: 162,
      path: '/simple/my project/',
      userAgent: ua,
    });
    const e = entry(line);
    expect(e.userAgent).toBe(ua);
    expect(e.url).toBe('http://pypi-alb-123456789.eu-west-1.elb.amazonaws.com:80/simple/my project/');
    expect(e.target).toBeNull();
    expect(e.targetStatus).toBeNull();
    expect(e.requestProcessingS).toBe(-1);
    expect(e.targetProcessingS).toBe(-1);
    expect(e.elbStatus).toBe(503);
  });

  it('reads an escaped quote inside a quoted field, ignores fields AWS appends later, and estimates the receive time of old entries', () => {
    const withQuote = AWS_HTTP.replace('"curl/7.46.0"', '"agent \\"quoted\\" here"');
    expect(entry(withQuote).userAgent).toBe('agent "quoted" here');
    expect(entry(`${AWS_HTTP} "new-field" another`).elbStatus).toBe(200);
    // Entries written before request_creation_time existed end after trace_id.
    const old = AWS_HTTP.split(' "Root=')[0] + ' "Root=1-58337262-36d228ad5d99923122bbe354"';
    const e = entry(old);
    expect(e.creationMs).toBeCloseTo(e.timeMs - 1, 6);
  });

  it('writes and reads back times with microseconds', () => {
    const ms = Date.UTC(2025, 5, 3, 10, 30, 0, 123) + 0.456;
    expect(albTime(ms)).toBe('2025-06-03T10:30:00.123456Z');
    expect(parseAlbTime(albTime(ms))).toBeCloseTo(ms, 6);
    expect(parseAlbTime('2025-06-03T10:30:00Z')).toBe(Date.UTC(2025, 5, 3, 10, 30));
    expect(parseAlbTime('2024-02-29T23:59:59.5+00:00')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 500));
    for (const bad of ['2025-13-03T10:30:00Z', '2025-06-03 10:30:00Z', '2025-06-03T10:30:00', 'yesterday']) expect(parseAlbTime(bad)).toBeNaN();
  });

  for (const [label, line, reason] of [
    ['a line of another format', '127.0.0.1 - - [03/Jun/2025:10:30:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.0"', /type "127\.0\.0\.1" is not one of/],
    ['too few fields', 'http 2018-07-02T22:23:00.186641Z app/x 1.2.3.4:5', /4 fields/],
    ['an unclosed quote', AWS_HTTP.replace('"curl/7.46.0"', '"curl/7.46.0'), /quoted field is not closed|is not/],
    ['a bad time', AWS_HTTP.replace('2018-07-02T22:23:00.186641Z', '2018-07-02T25:23:00Z'), /time .* is not an ISO 8601 UTC time/],
    ['a bad status', AWS_HTTP.replace(' 200 200 ', ' OK 200 '), /elb_status_code "OK"/],
    ['a client without a port', AWS_HTTP.replace('192.168.131.39:2817', '192.168.131.39'), /client:port/],
  ] as Array<[string, string, RegExp]>) {
    it(`reports ${label} as malformed, saying why`, () => {
      const parsed = parseAlbLogLine(line);
      expect(isMalformed(parsed)).toBe(true);
      expect((parsed as { reason: string }).reason).toMatch(reason);
    });
  }
});
