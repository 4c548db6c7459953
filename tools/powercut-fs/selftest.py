#!/usr/bin/python3
"""Self-test of powercutfs: scripted sequences with the state a power cut must leave, and a canary.

Usage: selftest.py WORKDIR   (needs /dev/fuse and permission to mount; prints one line per case)

The canary is a writer that replaces a file with rename(2) but never fsyncs the folder: the cut
must take its acknowledged write away, or the filesystem would also miss the bugs it is for.
"""

import json
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


class Mount:
    def __init__(self, work):
        self.backing = os.path.join(work, "backing")
        self.root = os.path.join(work, "mnt")
        self.control = os.path.join(work, "control.sock")
        os.makedirs(self.backing)
        os.makedirs(self.root)
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "powercutfs.py"), self.backing, self.root, self.control],
            stdout=subprocess.PIPE, text=True)
        self.socket = socket.socket(socket.AF_UNIX)
        try:
            line = self.process.stdout.readline().strip()
            if line != "mounted":
                raise SystemExit(f"powercutfs did not mount (said {line!r}, exit {self.process.poll()})")
            self.socket.connect(self.control)
        except BaseException:
            self.close()  # a daemon that started must not outlive a failed start
            raise
        self.stream = self.socket.makefile("rw")

    def ask(self, command):
        self.stream.write(command + "\n")
        self.stream.flush()
        return json.loads(self.stream.readline())

    def cut(self, keep=0.0, seed=1):
        os.stat(self.root)  # a request after every earlier one (see powercutfs.py)
        return self.ask(f"cut {seed} {keep}")

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def close(self):
        # Never leave the daemon behind: it holds the pipes of whoever ran this self-test, so an
        # orphan would keep that caller waiting for end of output forever. A plain umount can find
        # the mount busy on a loaded machine; a lazy one detaches it regardless.
        try:
            self.socket.close()
            if subprocess.run(["umount", self.root], stderr=subprocess.DEVNULL).returncode != 0:
                subprocess.run(["umount", "-l", self.root], stderr=subprocess.DEVNULL)
        finally:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def write(path, data, sync):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def sync_dir(path):
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def case_unsynced_name_is_lost(m):
    write(m.path("a"), b"data", sync=True)
    m.cut()
    return read(m.path("a")) is None


def case_unsynced_contents_are_lost(m):
    write(m.path("a"), b"data", sync=False)
    sync_dir(m.root)
    m.cut()
    return read(m.path("a")) == b""


def case_synced_file_and_folder_survive(m):
    write(m.path("a"), b"data", sync=True)
    sync_dir(m.root)
    m.cut()
    return read(m.path("a")) == b"data"


def case_overwrite_without_fsync_rolls_back(m):
    write(m.path("a"), b"old", sync=True)
    sync_dir(m.root)
    write(m.path("a"), b"new!", sync=False)
    m.cut()
    return read(m.path("a")) == b"old"


def case_unlink_without_folder_sync_comes_back(m):
    write(m.path("a"), b"data", sync=True)
    sync_dir(m.root)
    os.unlink(m.path("a"))
    m.cut()
    return read(m.path("a")) == b"data"


def case_file_in_a_new_folder_whose_name_was_never_synced_is_lost(m):
    os.mkdir(m.path("d"))
    write(m.path("d", "a"), b"data", sync=True)
    sync_dir(m.path("d"))  # the file's name is durable in d, but d's own name is not in the root
    m.cut()
    lost = not os.path.exists(m.path("d"))
    os.mkdir(m.path("d"))
    write(m.path("d", "a"), b"data", sync=True)
    sync_dir(m.path("d"))
    sync_dir(m.root)
    m.cut()
    return lost and read(m.path("d", "a")) == b"data"


def case_hard_link_survives_when_its_folder_is_synced(m):
    os.mkdir(m.path("tmp"))
    os.mkdir(m.path("obj"))
    sync_dir(m.root)
    write(m.path("tmp", "t"), b"linked", sync=True)
    os.link(m.path("tmp", "t"), m.path("obj", "o"))
    os.unlink(m.path("tmp", "t"))
    sync_dir(m.path("obj"))
    m.cut()
    return read(m.path("obj", "o")) == b"linked" and read(m.path("tmp", "t")) is None


def case_keep_one_keeps_every_live_change(m):
    write(m.path("a"), b"data", sync=False)
    os.mkdir(m.path("d"))
    write(m.path("d", "b"), b"more", sync=False)
    report = m.cut(keep=1.0)
    return read(m.path("a")) == b"data" and read(m.path("d", "b")) == b"more" and report["names_lost"] == 0


def case_after_a_cut_everything_present_is_durable(m):
    write(m.path("a"), b"data", sync=True)
    sync_dir(m.root)
    m.cut()
    m.cut()
    return read(m.path("a")) == b"data"


def canary_rename_without_folder_sync_is_caught(m):
    """A writer that acknowledges after fsync(file) + rename, without fsync(folder)."""
    write(m.path("value"), b"v1", sync=True)
    sync_dir(m.root)
    write(m.path("value.tmp"), b"v2", sync=True)
    os.rename(m.path("value.tmp"), m.path("value"))
    acknowledged = b"v2"
    m.cut()
    return read(m.path("value")) != acknowledged  # caught: the acknowledged value is gone


CASES = [v for k, v in sorted(globals().items()) if k.startswith(("case_", "canary_"))]


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    work = sys.argv[1]
    failed = 0
    for index, case in enumerate(CASES):
        m = Mount(os.path.join(work, str(index)))
        try:
            ok = case(m)
        except Exception as e:  # a case that throws fails; the others still run
            ok = False
            print(f"  {case.__name__}: {type(e).__name__}: {e}")
        finally:
            m.close()
        failed += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {case.__name__}")
    print(f"powercutfs self-test: {len(CASES) - failed} of {len(CASES)} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
