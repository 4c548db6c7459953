#!/usr/bin/python3
"""powercutfs: a pass-through FUSE filesystem that knows what a power cut would keep.

Usage: powercutfs.py BACKING MOUNTPOINT CONTROL_SOCKET

Every operation passes through to BACKING. Beside it the filesystem keeps a model of what is
durable, faithful to POSIX rather than to any one filesystem's stronger ordering:

- a file's contents are durable as of its last fsync or fdatasync;
- a folder's entries (names created, linked, renamed or removed in it) are durable as of the last
  fsync of that folder. A new file or folder whose parent was never synced since has no durable
  name, however often the file itself was synced.

On the command `cut SEED KEEP` (one line on the Unix socket CONTROL_SOCKET) it cuts the power: it
rewrites BACKING to the durable state and answers one JSON line. With KEEP > 0 each folder and each
file independently keeps its live (unsynced) state with that probability, because POSIX allows any
mix of unsynced changes to survive. After a cut everything present counts as durable. Other
commands: `stats` (counters as JSON) and `ping`.

The caller must make sure no process still has requests in flight before a cut: kill the writers,
wait for them to exit, then make one request through the mount (a stat); requests are served one
at a time in order, so every earlier request has been answered.

Operations are served on one thread; the control socket's thread takes the same lock.
"""

import errno
import json
import os
import random
import shutil
import socket
import stat
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations

DIR = "d"
FILE = "f"


class Model:
    """Identities and durable state. Inode numbers are reused after a file is removed, so every
    created file or folder gets a fresh identity; the durable state refers to identities."""

    def __init__(self, backing):
        self.backing = backing
        self.ids = {}          # backing inode -> identity of the object now at that inode
        self.kinds = {}        # identity -> DIR or FILE
        self.entries = {}      # folder identity -> {name: identity}, as of its last fsync
        self.data = {}         # file identity -> bytes, as of its last fsync
        self.next_id = 1
        self.root_id = None
        self.stats = {"cuts": 0, "fsync": 0, "fsyncdir": 0, "names_lost": 0, "files_rolled_back": 0, "bytes_lost": 0}
        self.snapshot()

    def new_id(self, ino, kind):
        identity = self.next_id
        self.next_id += 1
        self.ids[ino] = identity
        self.kinds[identity] = kind
        return identity

    def id_of(self, path):
        st = os.lstat(path)
        identity = self.ids.get(st.st_ino)
        if identity is None:
            identity = self.new_id(st.st_ino, DIR if stat.S_ISDIR(st.st_mode) else FILE)
        return identity

    def snapshot(self):
        """Everything in BACKING now counts as durable (at start and after a cut)."""
        self.ids.clear()
        self.kinds.clear()
        self.entries.clear()
        self.data.clear()
        self.root_id = self.new_id(os.lstat(self.backing).st_ino, DIR)
        self._snapshot_folder(self.backing, self.root_id)

    def _snapshot_folder(self, path, identity):
        names = {}
        for name in os.listdir(path):
            child = os.path.join(path, name)
            st = os.lstat(child)
            if stat.S_ISDIR(st.st_mode):
                child_id = self.ids.get(st.st_ino) or self.new_id(st.st_ino, DIR)
                self._snapshot_folder(child, child_id)
            elif stat.S_ISREG(st.st_mode):
                child_id = self.ids.get(st.st_ino) or self.new_id(st.st_ino, FILE)
                with open(child, "rb") as f:
                    self.data[child_id] = f.read()
            else:
                continue  # links and devices are not modelled; a cut removes them
            names[name] = child_id
        self.entries[identity] = names

    def created(self, path, kind):
        self.new_id(os.lstat(path).st_ino, kind)

    def sync_file(self, fd):
        st = os.fstat(fd)
        identity = self.ids.get(st.st_ino) or self.new_id(st.st_ino, FILE)
        chunks, offset = [], 0
        while True:
            chunk = os.pread(fd, 1 << 20, offset)
            if not chunk:
                break
            chunks.append(chunk)
            offset += len(chunk)
        self.data[identity] = b"".join(chunks)
        self.stats["fsync"] += 1

    def sync_folder(self, path):
        identity = self.id_of(path)
        names = {}
        for name in os.listdir(path):
            child = os.path.join(path, name)
            mode = os.lstat(child).st_mode
            if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
                names[name] = self.id_of(child)
        self.entries[identity] = names
        self.stats["fsyncdir"] += 1

    def live_state(self):
        """identity -> (kind, names or bytes) of everything reachable in BACKING now."""
        live = {}

        def walk(path, identity):
            names = {}
            for name in os.listdir(path):
                child = os.path.join(path, name)
                mode = os.lstat(child).st_mode
                if stat.S_ISDIR(mode):
                    child_id = self.id_of(child)
                    walk(child, child_id)
                elif stat.S_ISREG(mode):
                    child_id = self.id_of(child)
                    if child_id not in live:
                        with open(child, "rb") as f:
                            live[child_id] = (FILE, f.read())
                else:
                    continue
                names[name] = child_id
            live[identity] = (DIR, names)

        walk(self.backing, self.root_id)
        return live

    def cut(self, seed, keep):
        rng = random.Random(seed)
        live = self.live_state()
        lost_names = set()
        rolled_back = 0
        bytes_lost = 0

        def folder_names(identity):
            durable = self.entries.get(identity, {})
            if identity in live and keep > 0 and rng.random() < keep:
                return live[identity][1]
            if identity in live:
                for name, child in live[identity][1].items():
                    if durable.get(name) != child:
                        lost_names.add((identity, name))
            return durable

        def file_bytes(identity):
            nonlocal rolled_back, bytes_lost
            durable = self.data.get(identity, b"")
            if identity in live:
                current = live[identity][1]
                if keep > 0 and rng.random() < keep:
                    return current
                if current != durable:
                    rolled_back += 1
                    bytes_lost += max(0, len(current) - len(durable))
            return durable

        # Decide the whole durable tree before touching BACKING, which holds the live state.
        plan = []  # (relative path, kind, bytes or identity of an earlier hard link)
        made = {}  # identity -> relative path it was created at

        def build(identity, rel):
            for name, child in sorted(folder_names(identity).items()):
                child_rel = os.path.join(rel, name)
                kind = self.kinds.get(child, FILE)
                if child in made:
                    if kind == FILE:
                        plan.append((child_rel, "link", made[child]))
                    continue  # a folder durable in two places (moved between syncs) is kept once
                made[child] = child_rel
                if kind == DIR:
                    plan.append((child_rel, DIR, None))
                    build(child, child_rel)
                else:
                    plan.append((child_rel, FILE, file_bytes(child)))

        build(self.root_id, "")
        for name in os.listdir(self.backing):
            path = os.path.join(self.backing, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        for rel, kind, payload in plan:
            path = os.path.join(self.backing, rel)
            if kind == DIR:
                os.mkdir(path)
            elif kind == "link":
                os.link(os.path.join(self.backing, payload), path)
            else:
                with open(path, "wb") as f:
                    f.write(payload)
                    os.fsync(f.fileno())
        os.sync()
        self.stats["cuts"] += 1
        self.stats["names_lost"] += len(lost_names)
        self.stats["files_rolled_back"] += rolled_back
        self.stats["bytes_lost"] += bytes_lost
        self.snapshot()
        return {"names_lost": len(lost_names), "files_rolled_back": rolled_back, "bytes_lost": bytes_lost, "objects": len(plan)}


class PowerCutFs(Operations):
    def __init__(self, backing):
        self.backing = os.path.realpath(backing)
        self.model = Model(self.backing)
        self.guard = threading.Lock()  # not "lock": fusepy calls an operation of that name
        self.handles = {}   # our handle number -> os descriptor; numbers are never reused
        self.next_handle = 1

    def __call__(self, op, *args):
        with self.guard:
            try:
                return super().__call__(op, *args)
            except OSError as e:
                raise FuseOSError(e.errno or errno.EIO)

    def full(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def fd(self, fh):
        descriptor = self.handles.get(fh)
        if descriptor is None:
            raise FuseOSError(errno.EBADF)  # a handle from before a cut
        return descriptor

    def handle(self, descriptor):
        fh = self.next_handle
        self.next_handle += 1
        self.handles[fh] = descriptor
        return fh

    def init(self, path):
        print("mounted", flush=True)

    # ---- names ----
    def getattr(self, path, fh=None):
        st = os.lstat(self.full(path))
        return {k: getattr(st, k) for k in ("st_mode", "st_ino", "st_nlink", "st_uid", "st_gid", "st_size",
                                             "st_atime", "st_mtime", "st_ctime")}

    def access(self, path, amode):
        if not os.access(self.full(path), amode):
            raise FuseOSError(errno.EACCES)

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self.full(path))

    def mkdir(self, path, mode):
        os.mkdir(self.full(path), mode)
        self.model.created(self.full(path), DIR)

    def rmdir(self, path):
        os.rmdir(self.full(path))

    def unlink(self, path):
        os.unlink(self.full(path))

    def rename(self, old, new):
        os.rename(self.full(old), self.full(new))

    def link(self, target, source):
        os.link(self.full(source), self.full(target))

    def symlink(self, target, source):
        raise FuseOSError(errno.EPERM)  # not modelled

    def readlink(self, path):
        return os.readlink(self.full(path))

    def chmod(self, path, mode):
        os.chmod(self.full(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self.full(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self.full(path), times)

    def statfs(self, path):
        sv = os.statvfs(self.full(path))
        return {k: getattr(sv, k) for k in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail",
                                             "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    # ---- contents ----
    def create(self, path, mode, fi=None):
        descriptor = os.open(self.full(path), os.O_RDWR | os.O_CREAT | os.O_TRUNC, mode)
        self.model.created(self.full(path), FILE)
        return self.handle(descriptor)

    def open(self, path, flags):
        return self.handle(os.open(self.full(path), flags & ~(os.O_CREAT | os.O_EXCL)))

    def read(self, path, size, offset, fh):
        return os.pread(self.fd(fh), size, offset)

    def write(self, path, data, offset, fh):
        return os.pwrite(self.fd(fh), data, offset)

    def truncate(self, path, length, fh=None):
        if fh is not None and fh in self.handles:
            os.ftruncate(self.handles[fh], length)
        else:
            os.truncate(self.full(path), length)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        descriptor = self.handles.pop(fh, None)
        if descriptor is not None:
            os.close(descriptor)
        return 0

    def fsync(self, path, datasync, fh):
        self.model.sync_file(self.fd(fh))
        return 0

    def fsyncdir(self, path, datasync, fh):
        self.model.sync_folder(self.full(path))
        return 0

    # ---- control ----
    def command(self, line):
        words = line.split()
        with self.guard:
            if words[:1] == ["cut"]:
                for descriptor in self.handles.values():
                    os.close(descriptor)
                self.handles.clear()
                seed = int(words[1]) if len(words) > 1 else 0
                keep = float(words[2]) if len(words) > 2 else 0.0
                return json.dumps(self.model.cut(seed, keep))
            if words[:1] == ["stats"]:
                return json.dumps(self.model.stats)
            if words[:1] == ["ping"]:
                return "pong"
        return json.dumps({"error": f"unknown command {line!r}"})


def serve_control(fs, server):
    while True:
        connection, _ = server.accept()
        with connection, connection.makefile("rw") as stream:
            for line in stream:
                try:
                    answer = fs.command(line.strip())
                except Exception as e:  # report, keep serving: the test decides what failed
                    answer = json.dumps({"error": f"{type(e).__name__}: {e}"})
                stream.write(answer + "\n")
                stream.flush()


def main():
    if len(sys.argv) != 4:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    backing, mountpoint, control = sys.argv[1:]
    fs = PowerCutFs(backing)
    # Listening before the mount, so whoever reads "mounted" can connect at once: bound in the
    # serving thread, the socket could appear after it on a loaded machine.
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(control)
    server.listen(4)
    threading.Thread(target=serve_control, args=(fs, server), daemon=True).start()
    # No caching in the kernel: after a cut, names and contents must come from BACKING again.
    FUSE(fs, mountpoint, foreground=True, nothreads=True, use_ino=True, hard_remove=True,
         direct_io=True, entry_timeout=0, attr_timeout=0, negative_timeout=0, fsname="powercutfs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
