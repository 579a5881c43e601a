# capsim's Locust engine: the locustfile `capsim validate --engine locust` writes for a run.
#
# capsim keeps the schedule (which installs start when, and what each fetches) and sends every
# install to a worker as it starts; this file only carries them out and reports every HTTP request.
# Its CONFIG (per kind of install, one or each entry of a flow mix: the flow's steps, the client's
# headers, timeout, retries and backoff, the cookie scope; for all: the redirect rule, the target) is
# written by capsim from the same flow table, headers and client behaviour as its native engine
# (src/live/locust/locustfile.ts); nothing below restates a flow. Each install names its kind.
# See src/live/README.md, "The Locust engine".
#
# Workers on other hosts run this same file:
#     locust -f capsim_locustfile.py --worker --master-host MASTER --master-port PORT
# with CAPSIM_USERNAME and CAPSIM_PASSWORD in their environment when the index needs credentials
# (they are never written in this file, and nothing here writes a file).
import base64
import hashlib
import html
import json
import os
import re
import socket
import subprocess
import sys
import time
import zlib
from email.utils import parsedate_to_datetime
from http.cookiejar import CookiePolicy
from urllib.parse import unquote, urljoin, urlsplit

import gevent
import locust
import locust.runners
import requests
from gevent.event import Event
from gevent.pool import Group
from gevent.queue import Queue
from locust import User, events, task
from locust.runners import MasterRunner, WorkerRunner
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from urllib3 import exceptions as urllib3_errors
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CONFIG = None  # capsim writes the run's configuration here

# Workers and master compare this to be sure they run the same file (the same flow, client and target).
CONFIG_DIGEST = hashlib.sha256(json.dumps(CONFIG, sort_keys=True).encode("utf-8")).hexdigest()[:16]



def installed_version():
    """The version this Locust reports, and where it comes from: Locust itself, else (Debian's python3-locust 2.12,
    whose runner reports none and whose package metadata says 0.0.0) the Debian package's, else the metadata's."""
    if locust.runners.__version__:
        return locust.runners.__version__, "reported by Locust"
    if locust.__file__.startswith("/usr/lib/python3/dist-packages/"):
        try:
            debian = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-locust"], capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            debian = ""
        if debian:
            upstream = re.sub(r"-[^-]*$", "", re.sub(r"^\d+:", "", debian))
            return upstream, f"Debian's python3-locust {debian}: its runner reports no version, the locustfile sets this one"
    try:
        import importlib.metadata

        metadata = importlib.metadata.version("locust")
    except Exception:
        metadata = ""
    if metadata and metadata != "0.0.0":
        return metadata, "the package metadata: the runner reports no version, the locustfile sets this one"
    return "unknown", "none found: the runner reports no version, the locustfile sets \"unknown\""


# A master refuses a worker that reports an empty version as "pre 2.0" (Debian's 2.12 reports none): report the
# installed package's version instead, on master and workers alike (docs/locust.md, "Locust 2.12's master and workers").
LOCUST_VERSION, LOCUST_VERSION_SOURCE = installed_version()
locust.runners.__version__ = LOCUST_VERSION

KINDS = CONFIG["kinds"]
REDIRECT_STATUSES = set(CONFIG["redirects"]["statuses"])
MAX_REDIRECTS = CONFIG["redirects"]["max"]
RETRY_ERRORS = set(CONFIG["retry"]["errorClasses"])
RETRY_AFTER_STATUSES = set(CONFIG["retry"]["retryAfterStatuses"])
SESSION_POOL_SIZE = CONFIG["sessionPoolSize"]
FLUSH_S = CONFIG["recordsFlushMs"] / 1000.0
FLUSH_RECORDS = 500


def now_ms():
    return time.monotonic() * 1000.0


def round3(value):
    return round(value * 1000) / 1000


def origin_of(url):
    parts = urlsplit(url)
    return (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))


TARGET_ORIGIN = origin_of(CONFIG["target"])


def authorization():
    """requests' HTTPBasicAuth of the credentials in the environment (never in a file), or None."""
    username = os.environ.get(CONFIG["credentials"]["usernameVariable"])
    password = os.environ.get(CONFIG["credentials"]["passwordVariable"])
    if username is None or password is None:
        return None
    return "Basic " + base64.b64encode(f"{username}:{password}".encode("latin1")).decode("ascii")


# ---------------------------------------------------------------------------------------------------
# One HTTP attempt: timed from dispatch to the last body byte, the body counted as it arrives on the
# wire (kept only when links must be read from it), failures classified like the native engine's.


class CountedHTTPConnection(HTTPConnection):
    def connect(self):
        super().connect()
        self.capsim_id = AGENT.new_connection() if AGENT else None


class CountedHTTPSConnection(HTTPSConnection):
    def connect(self):
        super().connect()
        self.capsim_id = AGENT.new_connection() if AGENT else None


class CountedHTTPPool(HTTPConnectionPool):
    ConnectionCls = CountedHTTPConnection


class CountedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = CountedHTTPSConnection


class InstallAdapter(HTTPAdapter):
    """One keep-alive connection per origin (a pip process's pool), no retries of its own, counted connections."""

    def __init__(self):
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": CountedHTTPPool, "https": CountedHTTPSPool}


class NoCookies(CookiePolicy):
    """The cookie scope "none": a jar that keeps nothing and sends nothing."""

    netscape = True
    rfc2965 = False
    hide_cookie2 = True

    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False

    def domain_return_ok(self, domain, request):
        return False

    def path_return_ok(self, path, request):
        return False


def new_session(jar):
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc credentials from this host
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or True
    session.headers.clear()
    session.cookies = jar
    adapter = InstallAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def causes(exc):
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([getattr(e, "reason", None), e.__cause__, e.__context__])
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))


def classify(exc):
    """The native engine's failure classes for an exception of requests / urllib3 / the socket."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect_timeout"
    for e in causes(exc):
        if isinstance(e, (requests.exceptions.ReadTimeout, urllib3_errors.ReadTimeoutError, socket.timeout, TimeoutError)):
            return "timeout"
        if isinstance(e, ConnectionRefusedError):
            return "connection_refused"
        if isinstance(e, socket.gaierror):
            return "dns"
        if isinstance(e, (ConnectionResetError, BrokenPipeError, urllib3_errors.ProtocolError, requests.exceptions.ChunkedEncodingError)):
            return "connection_reset"
    return "other"


def error_text(exc):
    return f"{type(exc).__name__}: {exc}".split("\n")[0][:200]


def decode_body(raw, encoding):
    encoding = (encoding or "").strip().lower()
    try:
        if encoding in ("gzip", "x-gzip"):
            raw = zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
        elif encoding == "br":
            import brotli

            raw = brotli.decompress(raw)
    except Exception:
        return ""
    return raw.decode("utf-8", "replace")


class Attempt:
    __slots__ = ("start", "latency", "status", "bytes", "error_class", "error", "connection", "upstream", "location", "retry_after", "content_type", "body")

    def __init__(self, start):
        self.start = start
        self.latency = 0.0
        self.status = None
        self.bytes = 0
        self.error_class = None
        self.error = None
        self.connection = None
        self.upstream = None
        self.location = None
        self.retry_after = None
        self.content_type = None
        self.body = None


def send_attempt(session, url, headers, keep_body, timeout_s):
    """One GET, read to its end; never raises on HTTP or network failures."""
    attempt = Attempt(now_ms())
    try:
        # What requests.Session.send does for one request (the session's cookies in; the response's into its jar, below),
        # without its redirect handling, which would read a redirect's body and hand its connection back first
        # (docs/locust.md, "requests (2.28) and urllib3 (1.26), as the workers use them").
        request = session.prepare_request(requests.Request("GET", url, headers=headers))
        response = session.get_adapter(url).send(request, stream=True, timeout=(timeout_s, timeout_s), verify=session.verify, cert=None, proxies={})
    except Exception as exc:
        attempt.latency = now_ms() - attempt.start
        attempt.error_class = classify(exc)
        attempt.error = error_text(exc)
        return attempt
    raw = response.raw
    attempt.connection = getattr(getattr(raw, "_connection", None), "capsim_id", None)
    attempt.upstream = response.headers.get("x-upstream")
    chunks = [] if keep_body and response.status_code < 400 else None
    try:
        for chunk in raw.stream(65536, decode_content=False):
            attempt.bytes += len(chunk)
            if chunks is not None:
                chunks.append(chunk)
    except Exception as exc:
        response.close()
        attempt.latency = now_ms() - attempt.start
        attempt.bytes = 0
        attempt.error_class = classify(exc)
        attempt.error = error_text(exc)
        return attempt
    attempt.latency = now_ms() - attempt.start
    # The response's cookies go into the jar when it has completed, as the native engine's do: a shared jar holds the
    # cookie of the latest response to complete, and one whose body failed stores nothing.
    extract_cookies_to_jar(session.cookies, request, raw)
    attempt.status = response.status_code
    attempt.location = response.headers.get("location")
    attempt.retry_after = response.headers.get("retry-after")
    attempt.content_type = response.headers.get("content-type")
    if attempt.status >= 400:
        attempt.error_class = "http_status"
    if chunks is not None:
        attempt.body = decode_body(b"".join(chunks), response.headers.get("content-encoding"))
    return attempt


def retry_after_seconds(header):
    if not header:
        return None
    text = header.strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def retryable(attempt, client):
    if attempt.status is not None:
        return attempt.status in client["retryStatuses"]
    return attempt.error_class in RETRY_ERRORS


ANCHOR = re.compile(r"""<a\s[^>]*href\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>""", re.IGNORECASE)


def page_links(body, content_type, page_url):
    """{file name: URL without fragment} of a PEP 691 JSON or PEP 503 HTML project page."""
    links = {}
    kind = (content_type or "").lower()
    if "json" in kind or body.lstrip().startswith("{"):
        try:
            files = json.loads(body).get("files") or []
        except (ValueError, AttributeError):
            return links
        for f in files:
            if isinstance(f, dict) and f.get("url"):
                url = urljoin(page_url, f["url"]).split("#", 1)[0]
                links[f.get("filename") or unquote(urlsplit(url).path.rsplit("/", 1)[-1])] = url
        return links
    for match in ANCHOR.finditer(body):
        href = html.unescape(match.group(2) if match.group(2) is not None else match.group(3) if match.group(3) is not None else match.group(4))
        url = urljoin(page_url, href).split("#", 1)[0]
        name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        if name:
            links.setdefault(name, url)
    return links


def no_file_problem(fetch):
    wanted = fetch["version"] if fetch["pick"] == "exact" else "installable"
    return f"no {wanted} file for {fetch['project']} on its index page"


# ---------------------------------------------------------------------------------------------------
# One install: the flow's steps in order (or, for several requirements, in the flow's requirements
# order), each an operation; inside an operation redirects followed and every request retried like
# pip, as the native engine does (src/live/install.ts).


class Operation:
    __slots__ = ("ok", "attempt", "url")

    def __init__(self, ok, attempt, url):
        self.ok = ok
        self.attempt = attempt
        self.url = url


class Install:
    def __init__(self, agent, spec):
        self.agent = agent
        self.spec = spec
        # The install's kind: its flow, headers and client (one kind, or its entry of the flow mix).
        self.kind = KINDS[spec["kind"]]
        self.jar = agent.jar_for_install(spec["kind"])
        self.first = None
        self.operations = 0
        self.sessions = []

    def session(self):
        s = new_session(self.jar)
        self.sessions.append(s)
        return s

    def close(self):
        for s in self.sessions:
            s.close()

    def operation(self, step, first_url, session, keep_body):
        agent = self.agent
        op = agent.next_operation()
        client = self.kind["client"]
        base = self.kind["headers"][step["resource"]]
        url = first_url
        hop = 0
        attempt = 0
        start = None
        while True:
            if agent.stopping:
                return None
            headers = base
            if agent.authorization and origin_of(url) == TARGET_ORIGIN:
                headers = dict(base, authorization=agent.authorization)
            result = send_attempt(session, url, headers, keep_body, client["timeoutSeconds"])
            if start is None:
                start = result.start
                if self.first is None:
                    self.first = start
            parts = urlsplit(url)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            retry = attempt < client["retries"] and retryable(result, client)
            redirect = not retry and result.status in REDIRECT_STATUSES and result.location is not None and hop < MAX_REDIRECTS
            record = {
                "start": result.start,
                "install": self.spec["id"],
                "iteration": self.spec["iteration"],
                "operation": step["operation"],
                "op": op,
                "attempt": attempt,
                "hop": hop,
                "method": "GET",
                "path": path,
                "status": result.status,
                "latency_ms": round3(result.latency),
                "bytes": result.bytes,
                "error_class": result.error_class,
                "connection": result.connection,
                "upstream": result.upstream,
            }
            if result.error:
                record["error"] = result.error
            if retry:
                agent.record(record, result)
                attempt += 1
                after = retry_after_seconds(result.retry_after) if result.status in RETRY_AFTER_STATUSES else None
                gevent.sleep(after if after is not None else self.kind["backoffSeconds"][attempt - 1])
                continue
            if redirect:
                agent.record(record, result)
                url = urljoin(url, result.location)
                hop += 1
                attempt = 0
                continue
            ok = result.status is not None and result.status < 400
            record["op_final"] = True
            record["op_ok"] = ok
            record["op_latency_ms"] = round3(result.start + result.latency - start)
            agent.record(record, result)
            return Operation(ok, result, url)

    def run(self):
        try:
            if self.kind["flow"]["requirementsOrder"] == "pages-then-files":
                return self.run_phased()
            return self.run_in_order()
        finally:
            self.close()

    def result(self, ok, problem=None):
        out = {"install": self.spec["id"], "ok": ok, "operations": self.operations, "first": self.first}
        if problem:
            out["problem"] = problem
        return out

    def run_in_order(self):
        steps = [(step, fetch, url) for fetch in self.spec["projects"] for step, url in zip(self.kind["flow"]["steps"], fetch["urls"])]
        session = self.session()
        links = None
        ok = True
        problem = None
        for i, (step, fetch, url) in enumerate(steps):
            following = steps[i + 1][0] if i + 1 < len(steps) else None
            if step["source"] == "link-from-page":
                url = links.get(fetch["fileName"]) if links is not None else None
                if url is None:
                    return self.result(False, no_file_problem(fetch))
            keep_body = following is not None and following["source"] == "link-from-page"
            run = self.operation(step, url, session, keep_body)
            if run is None:
                return self.result(False, "stopped")
            self.operations += 1
            if not run.ok:
                ok = False
            if keep_body:
                links = page_links(run.attempt.body or "", run.attempt.content_type, run.url) if run.ok else None
            if not run.ok and self.kind["flow"]["stopOnFailure"]:
                return self.result(False, f"{step['operation']} failed")
            if not self.kind["client"]["keepAlive"] and i < len(steps) - 1:
                # Without keep-alive each operation opens its own connection (requests.get).
                session = self.session()
        return self.result(ok, problem)

    def run_phased(self):
        """poetry: every project's page in parallel through one session, then every picked file."""
        page_step, file_step = self.kind["flow"]["steps"]
        projects = self.spec["projects"]
        slots = {}
        children = Group()

        def slot_session(slot):
            if slot not in slots:
                slots[slot] = self.session()
            return slots[slot]

        def in_parallel(work):
            out = [None] * len(projects)
            taken = [0]

            def worker(slot):
                while taken[0] < len(projects):
                    i = taken[0]
                    taken[0] += 1
                    out[i] = work(i, projects[i], slot)

            for slot in range(min(SESSION_POOL_SIZE, len(projects))):
                children.spawn(worker, slot)
            children.join(raise_error=True)
            return out

        stopped = [False]

        def page(i, fetch, slot):
            run = self.operation(page_step, fetch["urls"][0], slot_session(slot), True)
            if run is None:
                stopped[0] = True
                return None
            self.operations += 1
            return page_links(run.attempt.body or "", run.attempt.content_type, run.url) if run.ok else None

        try:
            pages = in_parallel(page)
            if stopped[0]:
                return self.result(False, "stopped")
            if any(links is None for links in pages):
                return self.result(False, f"{page_step['operation']} failed")
            urls = [pages[i].get(fetch["fileName"]) for i, fetch in enumerate(projects)]
            for i, url in enumerate(urls):
                if url is None:
                    return self.result(False, no_file_problem(projects[i]))

            def download(i, fetch, slot):
                run = self.operation(file_step, urls[i], slot_session(slot), False)
                if run is None:
                    stopped[0] = True
                    return False
                self.operations += 1
                return run.ok

            done = in_parallel(download)
            if stopped[0]:
                return self.result(False, "stopped")
            ok = all(done)
            return self.result(ok, None if ok else f"{file_step['operation']} failed")
        finally:
            children.kill(block=True)


# ---------------------------------------------------------------------------------------------------
# The worker's agent: takes the installs capsim sends, runs each in its own greenlet, and streams
# every finished request (and every finished install) back through the master, in batches.


class FailedRequest(Exception):
    pass


class Agent:
    def __init__(self, runner):
        self.runner = runner
        self.inbox = Queue()
        self.installs = Group()
        self.stopping = False
        self.connections = 0
        self.operations = 0
        self.records = []
        self.done = []
        self.wake = Event()
        self.authorization = authorization()
        # Per kind of install: the jar its installs on this worker share when its cookie scope is shared.
        self.shared_jars = [requests.cookies.RequestsCookieJar() for _ in KINDS]
        self.attached = False
        runner.register_message("capsim_installs", self.on_installs)
        runner.register_message("capsim_ping", self.on_ping)
        runner.register_message("capsim_stop", self.on_stop)
        runner.register_message("capsim_abort", self.on_abort)
        gevent.spawn(self.say_hello)
        gevent.spawn(self.flusher)

    def new_connection(self):
        self.connections += 1
        return self.connections

    def next_operation(self):
        self.operations += 1
        return self.operations

    def jar_for_install(self, kind):
        """The kind's cookie scope: shared = this worker process's one jar for the kind (the seed tool's Session)."""
        scope = KINDS[kind]["client"].get("cookies", "none")
        if scope == "shared":
            return self.shared_jars[kind]
        jar = requests.cookies.RequestsCookieJar()
        if scope == "none":
            jar.set_policy(NoCookies())
        return jar

    def say_hello(self):
        self.runner.connection_event.wait()
        self.runner.send_message(
            "capsim_hello",
            {
                "host": socket.gethostname(),
                "pid": os.getpid(),
                "python": sys.version.split()[0],
                "locust": locust.runners.__version__,
                "config": CONFIG_DIGEST,
                "local": os.environ.get("CAPSIM_PARENT_PID") is not None,
            },
        )

    def attach(self):
        if not self.attached:
            self.attached = True
            self.runner.send_message("capsim_ready", {})

    def on_installs(self, environment, msg, **kw):
        self.inbox.put(msg.data["installs"])

    def on_ping(self, environment, msg, **kw):
        self.runner.send_message("capsim_pong", {"seq": msg.data["seq"], "now": now_ms()})

    def on_stop(self, environment, msg, **kw):
        self.stopping = True

    def on_abort(self, environment, msg, **kw):
        self.stopping = True
        self.installs.kill(block=True, timeout=2)
        self.flush()
        self.runner.send_message("capsim_flushed", {})

    def run_install(self, spec):
        install = Install(self, spec)
        result = install.run()
        self.done.append(result)
        self.wake.set()

    def record(self, record, attempt):
        self.records.append(record)
        if len(self.records) >= FLUSH_RECORDS:
            self.wake.set()
        failure = None
        if attempt.error_class is not None:
            failure = FailedRequest(attempt.error or f"HTTP {attempt.status}")
        self.runner.environment.events.request.fire(
            request_type="GET", name=record["operation"], response_time=record["latency_ms"], response_length=record["bytes"], exception=failure, context={}
        )

    def flush(self):
        if not self.records and not self.done:
            return
        data = {"records": self.records, "done": self.done, "connections": self.connections}
        self.records = []
        self.done = []
        self.runner.send_message("capsim_events", data)

    def flusher(self):
        while True:
            self.wake.wait(timeout=FLUSH_S)
            self.wake.clear()
            self.flush()


class Relay:
    """On the master: capsim's control channel (a socket, one JSON object a line) to and from the workers."""

    FORWARDED = ("hello", "ready", "events", "pong", "flushed")

    def __init__(self, runner, fd):
        self.runner = runner
        self.channel = socket.socket(fileno=fd)
        self.outbox = Queue()
        self.known = set()
        for kind in self.FORWARDED:
            runner.register_message(f"capsim_{kind}", self.forwarder(kind))
        self.outbox.put(
            {
                "type": "master",
                "data": {"config": CONFIG_DIGEST, "locust": LOCUST_VERSION, "source": LOCUST_VERSION_SOURCE, "python": sys.version.split()[0], "host": socket.gethostname(), "pid": os.getpid()},
            }
        )
        gevent.spawn(self.writer)
        gevent.spawn(self.reader)
        gevent.spawn(self.watch_workers)

    def forwarder(self, kind):
        def forward(environment, msg, **kw):
            if kind == "hello":
                self.known.add(msg.node_id)
            self.outbox.put({"type": kind, "worker": msg.node_id, "index": self.runner.get_worker_index(msg.node_id), "data": msg.data})

        return forward

    def writer(self):
        while True:
            message = self.outbox.get()
            self.channel.sendall((json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8"))

    def reader(self):
        stream = self.channel.makefile("rb")
        for line in stream:
            message = json.loads(line)
            kind = message["type"]
            if kind == "installs":
                self.runner.send_message("capsim_installs", {"installs": message["installs"]}, client_id=message["worker"])
            elif kind == "ping":
                self.runner.send_message("capsim_ping", {"seq": message["seq"]}, client_id=message["worker"])
            elif kind in ("stop", "abort"):
                self.runner.send_message(f"capsim_{kind}", {})
            elif kind == "quit":
                break
        # capsim said quit, or went away: stop the workers and end this master.
        self.runner.quit()

    def watch_workers(self):
        while True:
            gevent.sleep(1)
            for worker in list(self.known):
                if worker not in self.runner.clients:
                    self.known.discard(worker)
                    self.outbox.put({"type": "lost", "worker": worker})


def watch_parent():
    """A process capsim started ends when capsim is gone, however capsim ended."""
    parent = int(os.environ["CAPSIM_PARENT_PID"])
    while True:
        if os.getppid() != parent:
            os._exit(3)
        gevent.sleep(0.5)


AGENT = None


def agent_for(runner):
    """The worker's one agent (made by Locust's init event, or by the first user if that comes first)."""
    global AGENT
    if AGENT is None and isinstance(runner, WorkerRunner):
        AGENT = Agent(runner)
    return AGENT


@events.init.add_listener
def on_locust_init(environment, **kw):
    runner = environment.runner
    if os.environ.get("CAPSIM_PARENT_PID"):
        gevent.spawn(watch_parent)
    if isinstance(runner, MasterRunner) and os.environ.get("CAPSIM_CONTROL_FD"):
        Relay(runner, int(os.environ["CAPSIM_CONTROL_FD"]))
    else:
        agent_for(runner)


class CapsimClient(User):
    """One client process (a CI runner, or the seed tool): runs the installs capsim hands its worker, each
    started as soon as it arrives, all of a batch at once (one Locust user per worker)."""

    def on_start(self):
        if agent_for(self.environment.runner) is None:
            raise RuntimeError("this locustfile runs as a capsim worker: locust -f FILE --worker --master-host ...")
        AGENT.attach()

    @task
    def run_installs(self):
        while True:
            for spec in AGENT.inbox.get():
                AGENT.installs.spawn(AGENT.run_install, spec)
