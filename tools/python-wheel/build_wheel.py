"""Builds the slatefast wheel with the Python standard library alone (CI has no PyPI, so neither
setuptools' nor build's newest releases can be fetched).

    python3 build_wheel.py --package NativeAot/python --library artifacts/native/libslatefast.so \\
        --version 0.1.0 --out artifacts/release

A wheel is a zip: the package files, then NAME-VERSION.dist-info/ with METADATA (from
pyproject.toml's [project] table), WHEEL (format version and tag) and RECORD (a sha256 and size for
every file). The library goes in as slatefast/_lib/libslatefast.so, where slatefast/_native.py
looks for it. The platform tag is derived from the library itself: manylinux_2_N_x86_64 when it
needs only glibc (N: the newest GLIBC_2.N symbol version it binds) and libraries the manylinux
policy lets a wheel assume, else plain linux_x86_64 (installable here, promising nothing elsewhere).
The output is byte-for-byte reproducible (sorted entries, one timestamp: $SOURCE_DATE_EPOCH or 1980).
Prints the wheel's path. Needs Python 3.11+ (tomllib).
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import os
import re
import struct
import sys
import time
import zipfile

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("build_wheel: needs Python 3.11 or newer (tomllib)")

# Libraries a manylinux wheel may take from the system (PEP 600: part of glibc or the GCC runtime
# every distribution has). ld-linux is glibc's dynamic loader, which linkers name since glibc 2.34.
MANYLINUX_LIBRARIES = {
    "libc.so.6",
    "libm.so.6",
    "libdl.so.2",
    "librt.so.1",
    "libpthread.so.0",
    "libresolv.so.2",
    "libutil.so.1",
    "libgcc_s.so.1",
    "libstdc++.so.6",
    "ld-linux-x86-64.so.2",
}
# Symbol versions those libraries define besides GLIBC_: still a glibc/GCC runtime, but a wheel
# that needs them is tagged plain linux until someone checks their minimums against the policy.
GLIBC_VERSION = re.compile(r"^GLIBC_2\.(\d+)(\.\d+)?$")  # x86-64 starts at GLIBC_2.2.5
# PEP 440 in the shapes a NuGet <Version> could take once translated; anything else is refused
# rather than guessed (e.g. 1.0.0-beta would need a decision: 1.0.0b0?).
PEP440 = re.compile(r"^\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?$")
DATE_1980 = 315532800  # the earliest time a zip can hold


def fail(message: str) -> None:
    sys.exit(f"build_wheel: {message}")


def elf_dependencies(path: str) -> tuple[list[str], set[str]]:
    """(DT_NEEDED names, symbol version names it requires) of a 64-bit little-endian x86-64 ELF
    shared object, read from its section headers (.dynamic and .gnu.version_r)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        fail(f"{path} is not a 64-bit little-endian ELF file")
    (machine,) = struct.unpack_from("<H", data, 18)
    if machine != 62:
        fail(f"{path} is not x86-64 (e_machine {machine})")
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link, sh_info, sh_addralign, sh_entsize
        sections.append(struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize))

    def string(table: int, offset: int) -> str:
        start = sections[table][4] + offset
        return data[start : data.index(b"\0", start)].decode()

    needed: list[str] = []
    versions: set[str] = set()
    for _, kind, _, _, offset, size, link, info, _, _ in sections:
        if kind == 6:  # SHT_DYNAMIC: (d_tag, d_val) pairs; DT_NEEDED = 1 names a string in sh_link
            for at in range(offset, offset + size, 16):
                tag, value = struct.unpack_from("<qQ", data, at)
                if tag == 0:
                    break
                if tag == 1:
                    needed.append(string(link, value))
        elif kind == 0x6FFFFFFE:  # SHT_GNU_verneed: sh_info Verneed entries, each with Vernaux entries
            at = offset
            for _ in range(info):
                _, count, _, aux, following = struct.unpack_from("<HHIII", data, at)
                entry = at + aux
                for _ in range(count):
                    _, _, _, name, after = struct.unpack_from("<IHHII", data, entry)
                    versions.add(string(link, name))
                    entry += after
                at += following
    return needed, versions


def platform_tag(library: str) -> tuple[str, str]:
    """(tag, why) for the library."""
    needed, versions = elf_dependencies(library)
    foreign = sorted(set(needed) - MANYLINUX_LIBRARIES)
    other_versions = sorted(v for v in versions if not GLIBC_VERSION.match(v))
    glibc = [int(m.group(1)) for v in versions if (m := GLIBC_VERSION.match(v))]
    if foreign or other_versions or not glibc:
        why = f"needs {', '.join(foreign + other_versions) or 'no versioned glibc symbol'}"
        return "linux_x86_64", why
    minor = max(glibc)
    return f"manylinux_2_{minor}_x86_64", f"needs only {', '.join(sorted(needed))}, newest symbol GLIBC_2.{minor}"


def project_table(package_dir: str) -> dict:
    with open(os.path.join(package_dir, "pyproject.toml"), "rb") as f:
        project = tomllib.load(f)["project"]
    if project.get("dynamic") != ["version"]:
        fail("pyproject.toml's [project] must have dynamic = [\"version\"] (the version is Directory.Build.props')")
    return project


def metadata(project: dict, version: str) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {version}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    lines += [f"Classifier: {c}" for c in project.get("classifiers", [])]
    lines += [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]
    return "\n".join(lines) + "\n"


def package_version(package: str) -> str:
    with open(os.path.join(package, "_version.py"), encoding="utf-8") as f:
        found = re.search(r'^__version__ = "([^"]+)"$', f.read(), re.MULTILINE)
    if not found:
        fail(f"no __version__ = \"...\" line in {package}/_version.py")
    return found.group(1)


def digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build(package_dir: str, library: str, version: str, out: str) -> str:
    if not PEP440.match(version):
        fail(f"version {version!r} is not a PEP 440 version this builder knows how to write")
    project = project_table(package_dir)
    name = project["name"]
    package = os.path.join(package_dir, name)
    in_package = package_version(package)
    if in_package != version:
        fail(f"{package}/_version.py says {in_package} but the release version is {version}: update _version.py")
    tag, why = platform_tag(library)

    # (path in the wheel, bytes, file mode)
    files: list[tuple[str, bytes, int]] = []
    for entry in sorted(os.listdir(package)):
        if entry.endswith(".py") or entry == "py.typed":
            with open(os.path.join(package, entry), "rb") as f:
                files.append((f"{name}/{entry}", f.read(), 0o644))
    with open(library, "rb") as f:
        files.append((f"{name}/_lib/libslatefast.so", f.read(), 0o755))

    dist_info = f"{name}-{version}.dist-info"
    wheel = f"Wheel-Version: 1.0\nGenerator: slatefast tools/python-wheel/build_wheel.py\nRoot-Is-Purelib: false\nTag: py3-none-{tag}\n"
    files.append((f"{dist_info}/METADATA", metadata(project, version).encode(), 0o644))
    files.append((f"{dist_info}/WHEEL", wheel.encode(), 0o644))
    files.append((f"{dist_info}/top_level.txt", f"{name}\n".encode(), 0o644))
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path, data, _ in files:
        writer.writerow([path, digest(data), len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    files.append((f"{dist_info}/RECORD", record.getvalue().encode(), 0o644))

    stamp = max(int(os.environ.get("SOURCE_DATE_EPOCH", DATE_1980)), DATE_1980)
    date_time = time.gmtime(stamp)[:6]
    os.makedirs(out, exist_ok=True)
    target = os.path.join(out, f"{name}-{version}-py3-none-{tag}.whl")
    # Written beside the target, then renamed: an interrupted build leaves no truncated wheel.
    partial = target + ".partial"
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
        for path, data, mode in files:
            info = zipfile.ZipInfo(path, date_time)
            info.external_attr = (0o100000 | mode) << 16  # a regular file and its permissions
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    os.replace(partial, target)
    print(f"build_wheel: tag {tag}: the library {why}", file=sys.stderr)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", required=True, help="the folder with pyproject.toml and the package")
    parser.add_argument("--library", required=True, help="libslatefast.so to bundle")
    parser.add_argument("--version", required=True, help="the release version (Directory.Build.props)")
    parser.add_argument("--out", required=True, help="folder for the .whl")
    args = parser.parse_args()
    print(build(args.package, args.library, args.version, args.out))


if __name__ == "__main__":
    main()
