"""CPU per request of the real pypiserver (simple-dir), per request kind, for package directories of 99, 300 and
900 files: the measurement behind service.walkCpuPerFileMs in calibration/published-2025.json.

The vendored pypiserver (test/stack/vendor/pypiserver-*.tar.gz, unpacked) is called in-process through WSGI (no
gunicorn, no nginx: the application's own work), and timed with process_time (this process's CPU time, so other
load on the machine inflates it less than wall time would). Run pinned to one core, with Debian's Python:

    mkdir -p /tmp/pc/src && tar xzf test/stack/vendor/pypiserver-*.tar.gz -C /tmp/pc/src
    for n in 99 300 900; do mkdir -p /tmp/pc/pk$n; /usr/bin/python3 test/stack/make_wheels.py --out /tmp/pc/pk$n --projects $((n/3)) --prefix pkg- > /dev/null; done
    taskset -c 0 /usr/bin/python3 bench/pypiserver-cost.py /tmp/pc/src /tmp/pc

Prints, per file count and kind, the median and the lowest ms per request over 7 rounds of 60 requests. The
per-file walk cost is the slope between 300 and 900 files of the welcome page (/) or of a /simple/<project>/ page.
"""
import io
import json
import pathlib
import statistics
import sys
import time

source, packages = sys.argv[1], pathlib.Path(sys.argv[2])
sys.path.insert(0, source)
import pypiserver.config as cfg  # noqa: E402

_dir = pathlib.Path(cfg.__file__).resolve().parent
# Debian's Python 3.11 cannot read the welcome page through importlib.resources: read it from the package.
cfg.get_resource_bytes = lambda package, resource: (_dir / resource).read_bytes()
import pypiserver  # noqa: E402


def call(app, path):
    env = {'REQUEST_METHOD': 'GET', 'PATH_INFO': path, 'QUERY_STRING': '', 'SERVER_NAME': 'x', 'SERVER_PORT': '80',
           'wsgi.url_scheme': 'http', 'wsgi.input': io.BytesIO(), 'wsgi.errors': sys.stderr, 'SERVER_PROTOCOL': 'HTTP/1.1',
           'HTTP_HOST': 'x', 'HTTP_ACCEPT': 'text/html'}
    status = []
    body = app(env, lambda s, h, e=None: status.append(s))
    for _ in body:
        pass
    if hasattr(body, 'close'):
        body.close()
    return status[0]


out = {}
for files in (99, 300, 900):
    app = pypiserver.app(roots=[packages / f'pk{files}'], backend_arg='simple-dir')
    projects = files // 3
    kinds = {
        'redirect': lambda i: f'/pkg-{i % projects:03d}/',
        'simple': lambda i: f'/simple/pkg-{i % projects:03d}/',
        'wheel': lambda i: f'/packages/pkg_{i % projects:03d}-2.0.0-py3-none-any.whl',
        'welcome': lambda i: '/',
    }
    res = {}
    for kind, path in kinds.items():
        for i in range(20):
            call(app, path(i))
        samples = []
        for _ in range(7):
            t0 = time.process_time()
            for i in range(60):
                status = call(app, path(i))
            samples.append((time.process_time() - t0) / 60 * 1000)
        res[kind] = {'status': status, 'ms': round(statistics.median(samples), 3), 'min': round(min(samples), 3)}
    out[files] = res
print(json.dumps(out, indent=1))
