"""Generate a deterministic repository of small, valid wheels for the local stack.

    /usr/bin/python3 make_wheels.py --out DIR [--projects 100] [--versions 3] [--payload-bytes 2048]
                                    [--prefix test-package-]

Projects are named PREFIX000, PREFIX001, ... (PEP 503 normalized names; the default prefix gives
test-package-000, names unlike capsim's own so that nothing can work by assuming them). Each has V
versions that end at 2.0.0: V=3 gives 1.0.0, 1.1.0, 2.0.0 (in general 1.0.0 .. 1.(V-2).0 then 2.0.0;
V=1 gives 2.0.0). A wheel's file name escapes the project name as the wheel spec requires:
test-package-003 version 2.0.0 is `test_package_003-2.0.0-py3-none-any.whl`, with
`test_package_003-2.0.0.dist-info/{METADATA,WHEEL,RECORD}` inside, a module `test_package_003/__init__.py`
and `test_package_003/data.bin` of --payload-bytes deterministic pseudo-random bytes (so the cost of
hashing a wheel can be set). Entries are stored (no compression) with a fixed timestamp,
and file mtimes are fixed too, so the bytes are identical on every machine and every run.

Prints a JSON manifest on stdout: [{"project", "version", "file", "bytes", "sha256"}...].
"""

import argparse
import base64
import hashlib
import json
import os
import re
import sys
import zipfile

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
FIXED_MTIME = 1577836800  # 2020-01-01T00:00:00Z


def project_name(prefix, i):
    return "%s%03d" % (prefix, i)


def versions(count):
    if count < 1:
        raise ValueError("versions must be >= 1")
    return ["1.%d.0" % k for k in range(count - 1)] + ["2.0.0"]


def wheel_name_part(project):
    # Wheel file names escape runs of -_. as a single underscore.
    return re.sub(r"[-_.]+", "_", project)


def payload(project, version, size):
    out = bytearray()
    counter = 0
    seed = ("%s==%s" % (project, version)).encode()
    while len(out) < size:
        out += hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:size])


def record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "sha256=" + digest


def build_wheel(project, version, payload_bytes):
    name = wheel_name_part(project)
    dist_info = "%s-%s.dist-info" % (name, version)
    files = [
        ("%s/__init__.py" % name, ('"""%s %s (capsim test stack)."""\n__version__ = "%s"\n' % (project, version, version)).encode()),
        ("%s/data.bin" % name, payload(project, version, payload_bytes)),
        (
            "%s/METADATA" % dist_info,
            (
                "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: capsim test stack package\n"
                "Requires-Python: >=3.7\n" % (project, version)
            ).encode(),
        ),
        (
            "%s/WHEEL" % dist_info,
            b"Wheel-Version: 1.0\nGenerator: capsim-make-wheels\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        ),
    ]
    record_lines = ["%s,%s,%d" % (path, record_hash(data), len(data)) for path, data in files]
    record_lines.append("%s/RECORD,," % dist_info)
    files.append(("%s/RECORD" % dist_info, ("\n".join(record_lines) + "\n").encode()))
    return "%s-%s-py3-none-any.whl" % (name, version), files


def write_zip(path, files):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time=FIXED_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data)
    os.utime(path, (FIXED_MTIME, FIXED_MTIME))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--versions", type=int, default=3)
    ap.add_argument("--payload-bytes", type=int, default=2048)
    ap.add_argument("--prefix", default="test-package-")
    args = ap.parse_args(argv)
    if args.projects < 1 or args.projects > 1000:
        ap.error("--projects must be between 1 and 1000")
    if not re.match(r"^[a-z][a-z0-9-]*$", args.prefix):
        ap.error("--prefix must be a PEP 503 normalized name start (lower-case letters, digits, -)")
    if args.payload_bytes < 0:
        ap.error("--payload-bytes must be >= 0")
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for i in range(args.projects):
        project = project_name(args.prefix, i)
        for version in versions(args.versions):
            fname, files = build_wheel(project, version, args.payload_bytes)
            path = os.path.join(args.out, fname)
            write_zip(path, files)
            with open(path, "rb") as f:
                data = f.read()
            manifest.append(
                {
                    "project": project,
                    "version": version,
                    "file": fname,
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
    json.dump(manifest, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
