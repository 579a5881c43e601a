// The nginx configuration of the local stack: one worker process load-balancing over the gunicorn servers,
// standing in for the ALB. Pure function so it can be read and tested without starting anything; plus the
// access-log format and its parser.
import { readFileSync } from 'node:fs';

export interface NginxConfigParams {
  listenPort: number;
  upstreams: string[]; // "127.0.0.1:PORT"
  balancing: 'round_robin' | 'least_conn';
  keepaliveToUpstreams: boolean;
  upstreamKeepaliveConnections: number; // idle connections kept per nginx worker when keepaliveToUpstreams
  upstreamKeepaliveTimeoutSeconds: number; // must stay below gunicorn's --keep-alive to avoid reuse races
  workerConnections: number;
  listenBacklog: number;
  clientKeepaliveTimeoutSeconds: number;
  proxyConnectTimeoutSeconds: number;
  proxyReadTimeoutSeconds: number;
  accessLog: string;
  errorLog: string;
  pidFile: string;
  tempDir: string;
  runAsRoot: boolean;
  /** The sticky mode (like the ALB's lb_cookie): the cookie's lifetime, s; null = plain round robin / least_conn. */
  stickySeconds: number | null;
}

/** The cookie the sticky mode sets, named like the ALB's duration-based stickiness cookie. */
export const STICKY_COOKIE = 'AWSALB';

/**
 * Access log format: one JSON object a line. Fields: time (ISO 8601), msec (epoch seconds with ms),
 * remote, connection (nginx client connection serial), connection_requests, request (request line), method,
 * uri, status, bytes (body bytes sent), upstream ($upstream_addr), upstream_status, request_time (s),
 * upstream_connect_time, upstream_header_time, upstream_response_time (s, strings: may list several or be "-"),
 * user_agent, accept, accept_encoding, host, client_connection (the client's Connection header).
 */
export const ACCESS_LOG_FORMAT =
  '{"time":"$time_iso8601","msec":"$msec","remote":"$remote_addr:$remote_port",' +
  '"connection":"$connection","connection_requests":"$connection_requests",' +
  '"request":"$request","method":"$request_method","uri":"$request_uri","status":"$status",' +
  '"bytes":"$body_bytes_sent","upstream":"$upstream_addr","upstream_status":"$upstream_status",' +
  '"request_time":"$request_time","upstream_connect_time":"$upstream_connect_time",' +
  '"upstream_header_time":"$upstream_header_time","upstream_response_time":"$upstream_response_time",' +
  '"user_agent":"$http_user_agent","accept":"$http_accept","accept_encoding":"$http_accept_encoding",' +
  '"host":"$http_host","client_connection":"$http_connection"}';

/** One parsed access-log line (numbers parsed; upstream fields kept as nginx prints them). */
export interface AccessLogEntry {
  time: string;
  msec: number;
  remote: string;
  connection: number;
  connectionRequests: number;
  request: string;
  method: string;
  uri: string;
  status: number;
  bytes: number;
  upstream: string;
  upstreamStatus: string;
  requestTime: number;
  upstreamConnectTime: string;
  upstreamHeaderTime: string;
  upstreamResponseTime: string;
  userAgent: string;
  accept: string;
  acceptEncoding: string;
  host: string;
  clientConnection: string;
}

export function parseAccessLog(text: string): AccessLogEntry[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      let o: Record<string, string>;
      try {
        o = JSON.parse(line) as Record<string, string>;
      } catch {
        throw new Error(`nginx access log line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
      }
      return {
        time: o.time,
        msec: Number(o.msec),
        remote: o.remote,
        connection: Number(o.connection),
        connectionRequests: Number(o.connection_requests),
        request: o.request,
        method: o.method,
        uri: o.uri,
        status: Number(o.status),
        bytes: Number(o.bytes),
        upstream: o.upstream,
        upstreamStatus: o.upstream_status,
        requestTime: Number(o.request_time),
        upstreamConnectTime: o.upstream_connect_time,
        upstreamHeaderTime: o.upstream_header_time,
        upstreamResponseTime: o.upstream_response_time,
        userAgent: o.user_agent,
        accept: o.accept,
        acceptEncoding: o.accept_encoding,
        host: o.host,
        clientConnection: o.client_connection,
      };
    });
}

/**
 * Reads the access log until it holds at least `count` entries (nginx writes a line in its log phase, just
 * after the response went out, so a client can see the response before the line exists). Throws after timeoutMs.
 */
export async function waitForAccessLog(file: string, count: number, timeoutMs = 5000): Promise<AccessLogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(file, 'utf8');
    // Only complete lines: nginx may be halfway through a write.
    const entries = parseAccessLog(text.slice(0, text.lastIndexOf('\n') + 1));
    if (entries.length >= count) return entries;
    if (Date.now() >= deadline) throw new Error(`nginx access log ${file} has ${entries.length} entries, expected ${count} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The sticky mode, emulating the ALB's lb_cookie: a request whose AWSALB cookie names one of the upstreams
 * goes there; any other request (no cookie, or one naming no upstream) goes through the normal upstream
 * group; every response an upstream gave (2xx/3xx: add_header without `always`, so nginx's own 502/504
 * carry none) sets a cookie naming the upstream it came from, valid `stickySeconds`.
 */
function stickyRouting(p: NginxConfigParams): { map: string; target: string; cookie: string } {
  if (p.stickySeconds === null) return { map: '', target: 'pypiserver', cookie: '' };
  const named = p.upstreams.map((u) => `    "${u}" ${u};`).join('\n');
  return {
    map: `  map $cookie_${STICKY_COOKIE} $capsim_target {\n    default pypiserver;\n${named}\n  }\n\n`,
    target: '$capsim_target',
    cookie: `      add_header Set-Cookie "${STICKY_COOKIE}=$upstream_addr; Path=/; Max-Age=${p.stickySeconds}";\n`,
  };
}

export function nginxConfig(p: NginxConfigParams): string {
  const t = p.tempDir;
  const servers = p.upstreams.map((u) => `    server ${u} max_fails=0;`).join('\n');
  const sticky = stickyRouting(p);
  const keepalive = p.keepaliveToUpstreams
    ? `    keepalive ${p.upstreamKeepaliveConnections};\n    keepalive_timeout ${p.upstreamKeepaliveTimeoutSeconds}s;\n    keepalive_requests 100000;\n`
    : '';
  // HTTP/1.1 to the servers either way, as the ALB speaks to its targets: bottle (pypiserver) answers a
  // redirect with 303 to an HTTP/1.1 request and with 302 to an HTTP/1.0 one. Without upstream keep-alive
  // every request asks the server to close its connection.
  const proxyKeepalive = `      proxy_http_version 1.1;\n      proxy_set_header Connection ${p.keepaliveToUpstreams ? '""' : 'close'};\n`;
  return `# generated by capsim test/stack/nginx-config.ts
${p.runAsRoot ? 'user root;\n' : ''}worker_processes 1;
worker_rlimit_nofile ${Math.max(8192, p.workerConnections * 3)};
daemon off;
master_process on;
pid ${p.pidFile};
error_log ${p.errorLog} warn;

events {
  worker_connections ${p.workerConnections};
}

http {
  log_format capsim escape=json '${ACCESS_LOG_FORMAT}';
  access_log ${p.accessLog} capsim;
  server_tokens off;
  client_body_temp_path ${t}/client_body;
  proxy_temp_path ${t}/proxy;
  fastcgi_temp_path ${t}/fastcgi;
  uwsgi_temp_path ${t}/uwsgi;
  scgi_temp_path ${t}/scgi;
  keepalive_timeout ${p.clientKeepaliveTimeoutSeconds}s;
  keepalive_requests 10000;

${sticky.map}  upstream pypiserver {
${p.balancing === 'least_conn' ? '    least_conn;\n' : ''}${servers}
${keepalive}  }

  server {
    listen 127.0.0.1:${p.listenPort} backlog=${p.listenBacklog};
    location / {
      proxy_pass http://${sticky.target};
${proxyKeepalive}      proxy_set_header Host $http_host;
      proxy_redirect off;
      proxy_next_upstream off;
      proxy_connect_timeout ${p.proxyConnectTimeoutSeconds}s;
      proxy_send_timeout ${p.proxyReadTimeoutSeconds}s;
      proxy_read_timeout ${p.proxyReadTimeoutSeconds}s;
      add_header X-Upstream $upstream_addr always;
${sticky.cookie}    }
  }
}
`;
}
