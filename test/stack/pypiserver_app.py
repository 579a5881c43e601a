"""The real pypiserver (the vendored source, on PYTHONPATH) as a WSGI app for gunicorn, the way the
terraform module's container builds it: `pypiserver.app(roots=[DIR], backend_arg=...)`.

    PYTHONPATH=/path/to/unpacked/pypiserver CAPSIM_STACK_PACKAGES=/path/to/wheels \\
        gunicorn --preload pypiserver_app:app

Environment:
    CAPSIM_STACK_PACKAGES         package directory (required)
    CAPSIM_STACK_BACKEND          simple-dir (default; no cache, what the deployed stack runs) or cached-dir
                                  (listings and digests kept in memory, invalidated by a watchdog observer)
    CAPSIM_STACK_HASH_ALGO        link fragment hash (default sha256, pypiserver 2.4's default)
    CAPSIM_STACK_HTPASSWD         an htpasswd file: every action (list, download, update) then needs
                                  Basic auth checked by passlib, as with `pypi-server -P FILE -a
                                  list,download,update`
    CAPSIM_STACK_CAPTURE_HEADERS  when set, a file to which one JSON line per request is appended with the
                                  method, path, query, protocol, peer port and the request headers the app
                                  received (see stack_capture.py)

Everything else is pypiserver's default, fallback included: a project the index does not hold is
answered with a 303 to the public index.
"""

import os
import pathlib

import pypiserver.config as _pypiserver_config

# On Debian's Python 3.11, importlib.resources cannot read the welcome page that sits next to the module
# (pypiserver.config.get_resource_bytes): read it from the package directory itself.
_PYPISERVER_DIR = pathlib.Path(_pypiserver_config.__file__).resolve().parent


def _resource_bytes(package, resource):
    return (_PYPISERVER_DIR / resource).read_bytes()


_pypiserver_config.get_resource_bytes = _resource_bytes

import pypiserver  # noqa: E402  (after the resource fix: app() reads the welcome page)

from stack_capture import capture_middleware  # noqa: E402

PACKAGES_DIR = os.environ.get("CAPSIM_STACK_PACKAGES", "")
BACKEND = os.environ.get("CAPSIM_STACK_BACKEND", "simple-dir")
HASH_ALGO = os.environ.get("CAPSIM_STACK_HASH_ALGO", "sha256")
HTPASSWD = os.environ.get("CAPSIM_STACK_HTPASSWD", "")

if not PACKAGES_DIR or not os.path.isdir(PACKAGES_DIR):
    raise SystemExit("pypiserver_app: CAPSIM_STACK_PACKAGES must name an existing directory (got %r)" % PACKAGES_DIR)
if BACKEND not in ("simple-dir", "cached-dir"):
    raise SystemExit("pypiserver_app: CAPSIM_STACK_BACKEND must be simple-dir or cached-dir (got %r)" % BACKEND)

_options = {
    "roots": [pathlib.Path(PACKAGES_DIR).resolve()],
    "backend_arg": BACKEND,
    # Checked as pypiserver's command line checks --hash-algo: an unknown name fails at start, not per request.
    "hash_algo": _pypiserver_config.hash_algo_arg(HASH_ALGO),
}
if HTPASSWD:
    _options["authenticate"] = ["download", "list", "update"]
    _options["password_file"] = HTPASSWD

app = capture_middleware(pypiserver.app(**_options))
