"""Kill the local stack's process groups when the Node process that started them dies.

    /usr/bin/python3 reaper.py NODE_PID PGIDS_FILE STACK_TMPDIR

Polls every 0.3 s. When NODE_PID is gone (or a zombie), sends SIGKILL to every process group listed in
PGIDS_FILE (one number a line) and removes STACK_TMPDIR. Exits quietly when STACK_TMPDIR disappears
(a normal stop() removed it).
"""

import os
import shutil
import signal
import sys
import time


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def main():
    node_pid, pgids_file, tmpdir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    while True:
        if not os.path.isdir(tmpdir):
            return
        if not alive(node_pid):
            break
        time.sleep(0.3)
    try:
        with open(pgids_file) as f:
            pgids = [int(x) for x in f.read().split()]
    except FileNotFoundError:
        pgids = []
    for pgid in pgids:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    main()
