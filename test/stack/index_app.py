"""A minimal PEP 503 package index that behaves like pypiserver 2.x with `--backend simple-dir`: the
lookalike the local stack falls back to where the vendored real pypiserver is absent.

WSGI app for /usr/bin/python3 (standard library only), served by gunicorn:
    CAPSIM_STACK_PACKAGES=/path/to/wheels gunicorn --preload index_app:app

Like pypiserver's SimpleFileBackend there is no cache: every request that needs the package list walks
the whole package directory again (os.walk, then per file: an allowed-name check, a stat via
os.path.isfile and a file-name regex), and every /simple/<project>/ page re-hashes each of that
project's files to print `#sha256=` links.

Routes (pypiserver's, in pypiserver's order):
    GET /                    welcome page with the package count (walks everything)
    GET /simple              301 -> /simple/
    GET /simple/             project list (walks everything)
    GET /simple/<project>/   301 to the PEP 503 normalized name when not normalized; else links
                             /packages/<file>#sha256=<hex> (walks everything, hashes the project's files);
                             303 to the public index (pypiserver's default fallback) when the project
                             has no file
    GET /packages            301 -> /packages/
    GET /packages/           all files (walks everything)
    GET /packages/<file>     the file bytes (walks until the file is found)
    GET /health              "Ok" (cheap, no walk; pypiserver's --health-endpoint default)
    GET /<project> and /<project>/   303 -> /simple/<project>/ (cheap, no walk, like pypiserver's bad_url)
HEAD is answered like GET without a body (bottle does that); other methods get 405.

Environment:
    CAPSIM_STACK_PACKAGES         package directory (required)
    CAPSIM_STACK_HASH_ALGO        hashlib name for link fragments, default sha256 (pypiserver's default
                                  is md5; --hash-algo sha256 gives what we serve)
    CAPSIM_STACK_CAPTURE_HEADERS  when set, a file to which one JSON line per request is appended with the
                                  method, path, query, protocol, peer port and all request headers the
                                  app received (stack_capture.py)
"""

import hashlib
import html
import os
import re
import time
from urllib.parse import quote, urljoin

from stack_capture import capture_middleware

try:  # pypiserver sorts a project's files by parsed version; use the same parser when we can.
    from packaging.version import parse as _parse_version
except ImportError:  # pragma: no cover - depends on the Debian packages present
    try:
        from pip._vendor.packaging.version import parse as _parse_version
    except ImportError:
        _parse_version = None

PACKAGES_DIR = os.environ.get("CAPSIM_STACK_PACKAGES", "")
FALLBACK_URL = "https://pypi.org/simple/"  # pypiserver's default --fallback-url
HASH_ALGO = os.environ.get("CAPSIM_STACK_HASH_ALGO", "sha256")

if not PACKAGES_DIR or not os.path.isdir(PACKAGES_DIR):
    raise SystemExit(
        "index_app: CAPSIM_STACK_PACKAGES must name an existing directory (got %r)" % PACKAGES_DIR
    )
PACKAGES_ROOT = os.path.realpath(PACKAGES_DIR)
hashlib.new(HASH_ALGO)  # fail at import on an unknown algorithm

# --- file-name parsing, as pypiserver's core (guess_pkgname_and_version) ---------------------------

_archive_suffix_rx = re.compile(
    r"(\.zip|\.tar\.gz|\.tgz|\.tar\.bz2|\.tbz|\.tar\.xz|\.txz|\.tar\.zst|-py[23]\.\d-.*|"
    r"\.win-amd64-py[23]\.\d\..*|\.win32-py[23]\.\d\..*|\.egg)$",
    re.I,
)
_wheel_file_re = re.compile(
    r"""^(?P<namever>(?P<name>.+?)-(?P<ver>\d.*?))
    ((-(?P<build>\d.*?))?-(?P<pyver>.+?)-(?P<abi>.+?)-(?P<plat>.+?)
    \.whl|\.dist-info)$""",
    re.VERBOSE,
)
_pkgname_re = re.compile(r"-\d+[a-z_.!+]", re.I)
_pkgname_parts_re = re.compile(
    r"[\.\-](?=cp\d|py\d|macosx|linux|sunos|solaris|irix|aix|cygwin|win)", re.I
)
_normalize_rx = re.compile(r"[-_.]+")


def normalize_pkgname(name):
    """PEP 503 normalization."""
    return _normalize_rx.sub("-", name).lower()


def guess_pkgname_and_version(path):
    path = os.path.basename(path)
    if path.endswith(".asc"):
        path = path[: -len(".asc")]
    if path.endswith(".whl"):
        m = _wheel_file_re.match(path)
        if not m:
            return None
        return m.group("name").replace("_", "-"), m.group("ver")
    path = _archive_suffix_rx.sub("", path)
    if "-" not in path:
        pkgname, version = path, ""
    elif path.count("-") == 1:
        pkgname, version = path.split("-", 1)
    elif "." not in path:
        pkgname, version = path.rsplit("-", 1)
    else:
        pkgname = _pkgname_re.split(path)[0]
        ver_spec = path[len(pkgname) + 1 :]
        parts = _pkgname_parts_re.split(ver_spec)
        version = parts[0]
    return pkgname, version


def is_allowed_path(path_part):
    return not path_part.startswith(".")


class PkgFile:
    __slots__ = ("pkgname", "pkgname_norm", "version", "fn", "relfn", "relfn_unix")

    def __init__(self, pkgname, version, fn, root):
        self.pkgname = pkgname
        self.pkgname_norm = normalize_pkgname(pkgname)
        self.version = version
        self.fn = fn
        self.relfn = fn[len(root) + 1 :]
        self.relfn_unix = self.relfn.replace(os.sep, "/")

    def sort_key(self):
        if _parse_version is not None:
            try:
                return (0, _parse_version(self.version), self.relfn)
            except Exception:  # an unparsable version sorts first, as a string
                pass
        return (-1, self.version, self.relfn)

    def fname_and_hash(self):
        return "%s#%s=%s" % (self.relfn_unix, HASH_ALGO, digest_file(self.fn))


def digest_file(path):
    hasher = hashlib.new(HASH_ALGO)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1024 * 1024), b""):
            hasher.update(block)
    return hasher.hexdigest()


def listdir(root):
    """Walk the whole package tree, lazily, like pypiserver's simple-dir backend (no cache)."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if is_allowed_path(d)]
        for filename in filenames:
            fn = os.path.join(root, dirpath, filename)
            if not is_allowed_path(filename) or not os.path.isfile(fn):
                continue
            res = guess_pkgname_and_version(filename)
            if not res:
                continue
            pkgname, version = res
            yield PkgFile(pkgname, version, fn, root)


def get_all_packages():
    return listdir(PACKAGES_ROOT)


def find_project_packages(project):
    norm = normalize_pkgname(project)
    return (p for p in get_all_packages() if p.pkgname_norm == norm)


# --- responses -------------------------------------------------------------------------------------

STATUS_TEXT = {
    200: "200 OK",
    301: "301 Moved Permanently",
    303: "303 See Other",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    500: "500 Internal Server Error",
}


def _html(start_response, body, status=200):
    data = body.encode("utf-8")
    start_response(
        STATUS_TEXT[status],
        [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _redirect(environ, start_response, location, status=303):
    # bottle's redirect(): absolute Location built from the request URL.
    absolute = urljoin(_request_url(environ), location)
    start_response(
        STATUS_TEXT[status],
        [("Location", absolute), ("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", "0")],
    )
    return [b""]


def _not_found(start_response, what):
    return _html(start_response, "Not Found (%s does not exist)\n\n" % html.escape(what), 404)


def _request_url(environ):
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST") or "%s:%s" % (environ["SERVER_NAME"], environ["SERVER_PORT"])
    path = quote(environ.get("PATH_INFO", "/"))
    qs = environ.get("QUERY_STRING")
    return "%s://%s%s%s" % (scheme, host, path, "?" + qs if qs else "")


WELCOME = """\
<html><head><title>Welcome to pypiserver!</title></head><body>
<h1>Welcome to pypiserver!</h1>
<p>This is a PyPI compatible package index serving {numpkgs} packages.</p>
<p>To use this server with <code>pip</code>, run the following command:
<blockquote><pre>pip install --index-url {url}simple/ PACKAGE [PACKAGE2...]</pre></blockquote></p>
<p>The complete list of all packages can be found <a href="{packages}">here</a>
or via the <a href="{simple}">simple</a> index.</p>
</body></html>
"""


def root(environ, start_response):
    numpkgs = sum(1 for _ in get_all_packages())
    url = _request_url(environ).split("?")[0].rstrip("/") + "/"
    return _html(
        start_response,
        WELCOME.format(numpkgs=numpkgs, url=html.escape(url), packages="/packages/", simple="/simple/"),
    )


def simpleindex(environ, start_response):
    projects = sorted({p.pkgname_norm for p in get_all_packages()})
    rows = "".join('         <a href="%s/">%s</a><br>\n' % (quote(p), html.escape(p)) for p in projects)
    body = (
        "<html>\n    <head>\n        <title>Simple Index</title>\n    </head>\n    <body>\n"
        "        <h1>Simple Index</h1>\n" + rows + "    </body>\n</html>\n"
    )
    return _html(start_response, body)


def simple(environ, start_response, project):
    normalized = normalize_pkgname(project)
    if project != normalized:
        return _redirect(environ, start_response, "/simple/%s/" % quote(normalized), 301)
    packages = sorted(find_project_packages(project), key=PkgFile.sort_key)
    if not packages:  # pypiserver's default fallback: the public index
        return _redirect(environ, start_response, "%s/%s/" % (FALLBACK_URL.rstrip("/"), quote(project)))
    current_uri = "/simple/%s/" % quote(project)
    rows = "".join(
        '         <a href="%s">%s</a><br>\n'
        % (
            html.escape(urljoin(current_uri, "../../packages/" + pkg.fname_and_hash())),
            html.escape(os.path.basename(pkg.relfn)),
        )
        for pkg in packages
    )
    body = (
        "<html>\n    <head>\n        <title>Links for %s</title>\n    </head>\n    <body>\n"
        "        <h1>Links for %s</h1>\n" % (html.escape(project), html.escape(project))
        + rows
        + "    </body>\n</html>\n"
    )
    return _html(start_response, body)


def list_packages(environ, start_response):
    files = sorted(get_all_packages(), key=lambda p: (p.pkgname_norm, p.sort_key()))
    rows = "".join(
        '         <a href="%s">%s</a><br>\n' % (html.escape(p.fname_and_hash()), html.escape(p.relfn_unix))
        for p in files
    )
    body = (
        "<html>\n    <head>\n        <title>Index of packages</title>\n    </head>\n    <body>\n"
        "        <h1>Index of packages</h1>\n" + rows + "    </body>\n</html>\n"
    )
    return _html(start_response, body)


def server_static(environ, start_response, filename):
    for pkg in get_all_packages():  # stops at the first match, like pypiserver
        if pkg.relfn_unix == filename:
            st = os.stat(pkg.fn)
            headers = [
                ("Content-Type", "application/octet-stream"),
                ("Content-Length", str(st.st_size)),
                ("Last-Modified", time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(st.st_mtime))),
                ("Accept-Ranges", "bytes"),
            ]
            start_response(STATUS_TEXT[200], headers)
            if environ["REQUEST_METHOD"] == "HEAD":
                return [b""]
            f = open(pkg.fn, "rb")
            wrapper = environ.get("wsgi.file_wrapper")
            if wrapper is not None:
                return wrapper(f, 64 * 1024)
            try:
                return [f.read()]
            finally:
                f.close()
    return _not_found(start_response, filename)


def healthcheck(environ, start_response):
    return _html(start_response, "Ok")


def bad_url(environ, start_response, project):
    """pypiserver's redirect of /<project>/ to /simple/<project>/ (no package lookup)."""
    return _redirect(environ, start_response, "/simple/%s/" % quote(project), 303)


_SEGMENT = r"([^/]+)"
ROUTES = [
    (re.compile(r"^/health$"), healthcheck),
    (re.compile(r"^/$"), root),
    (re.compile(r"^/simple$"), lambda e, s: _redirect(e, s, "/simple/", 301)),
    (re.compile(r"^/simple/$"), simpleindex),
    (re.compile(r"^/simple/%s/$" % _SEGMENT), simple),
    (re.compile(r"^/packages$"), lambda e, s: _redirect(e, s, "/packages/", 301)),
    (re.compile(r"^/packages/$"), list_packages),
    (re.compile(r"^/packages/(.+)$"), server_static),
    (re.compile(r"^/%s/?$" % _SEGMENT), bad_url),
]


def _app(environ, start_response):
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/") or "/"
    # PEP 3333 gives PATH_INFO as latin-1 decoded bytes; undo that to get the UTF-8 path.
    path = path.encode("latin-1").decode("utf-8", "replace")
    for rx, handler in ROUTES:
        m = rx.match(path)
        if not m:
            continue
        if method not in ("GET", "HEAD"):
            start_response(STATUS_TEXT[405], [("Allow", "GET, HEAD"), ("Content-Length", "0")])
            return [b""]
        result = handler(environ, start_response, *m.groups())  # PATH_INFO is already unquoted
        return [b""] if method == "HEAD" and isinstance(result, list) else result
    return _not_found(start_response, path)


app = capture_middleware(_app)
