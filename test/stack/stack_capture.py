"""Records the headers every request reached the app with, for tests that compare clients' requests.

When CAPSIM_STACK_CAPTURE_HEADERS names a file, each request appends one JSON line:
{time, pid, method, path, query, protocol, remote_port, headers}. Standard library only; used by
pypiserver_app.py (the real pypiserver) and index_app.py (the lookalike).
"""

import json
import os
import time

CAPTURE_FILE = os.environ.get("CAPSIM_STACK_CAPTURE_HEADERS", "")


def capture(environ):
    headers = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = value
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers[key.replace("_", "-").lower()] = value
    line = json.dumps(
        {
            "time": time.time(),
            "pid": os.getpid(),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING", ""),
            "protocol": environ.get("SERVER_PROTOCOL"),
            "remote_port": environ.get("REMOTE_PORT"),
            "headers": headers,
        },
        sort_keys=True,
    )
    fd = os.open(CAPTURE_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
    finally:
        os.close(fd)


def capture_middleware(app):
    """The app itself when capturing is off; else the app behind a recorder of every request."""
    if not CAPTURE_FILE:
        return app

    def captured(environ, start_response):
        capture(environ)
        return app(environ, start_response)

    return captured
