"""Builds the PyPI wheel for one platform from an already-built shipcheck binary.

    python3 dist/pypi_wheel.py --binary PATH --version 1.2.3 --target TRIPLE \
        --outdir DIR [--summary TEXT] [--readme README.md] [--license LICENSE]...

Prints the wheel's file name. Standard library only, so the release job and
the tests need nothing installed.

Why not maturin `bindings = "bin"` (what ruff uses): maturin runs cargo and
builds the binary itself. The release workflow has already built, tested and
attested one binary per target for the archives and the npm packages;
building it a second time inside maturin would cost a second Rust build per
target and would put a different binary on PyPI from the one whose checksum
is in SHA256SUMS. The wheel maturin would write is simple enough to write
here (PEP 427, PEP 491): the binary in `shipcheck-VERSION.data/scripts/`,
which pip and uv install into the environment's bin directory, a WHEEL file
saying it is not pure Python, METADATA, and a RECORD of sha256 hashes.
"""

import argparse
import base64
import hashlib
import io
import os
import re
import sys
import zipfile

NAME = "shipcheck"
REPOSITORY = "https://github.com/shipcheck/shipcheck"
# Fixed timestamps: the same inputs give the same wheel, byte for byte.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def platform_tags(target, binary):
    """The wheel's platform tags for a Rust target triple (ruff's set)."""
    arch = target.split("-")[0]
    if "-linux-musl" in target:
        # Static musl: runs on any Linux, so both the glibc (manylinux) and the
        # musl (musllinux, Alpine) installers must accept it.
        return [
            f"manylinux_2_17_{arch}",
            f"manylinux2014_{arch}",
            f"musllinux_1_2_{arch}",
        ]
    if "-linux-gnu" in target:
        # A dynamically linked local build: tag the newest glibc it needs.
        glibc = max([17] + [int(m) for m in re.findall(rb"GLIBC_2\.(\d+)", binary)])
        tags = [f"manylinux_2_{glibc}_{arch}"]
        if glibc == 17:
            tags.append(f"manylinux2014_{arch}")
        return tags
    if target == "x86_64-apple-darwin":
        return ["macosx_10_12_x86_64"]
    if target == "aarch64-apple-darwin":
        return ["macosx_11_0_arm64"]
    if target.startswith("x86_64-pc-windows-"):
        return ["win_amd64"]
    raise SystemExit(f"pypi_wheel.py: no wheel platform tag for target {target}")


def pep440(version):
    """Cargo's semver as PEP 440: 1.2.3-rc.1 is 1.2.3rc1, 1.2.3-dev is
    1.2.3.dev0 (an unreleased build)."""
    match = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc|dev)\.?(\d*))?", version)
    if not match or (match.group(2) not in (None, "dev") and not match.group(3)):
        raise SystemExit(f"pypi_wheel.py: cannot express version {version} for PyPI")
    release, pre, number = match.groups()
    if pre is None:
        return release
    if pre == "dev":
        return f"{release}.dev{number or 0}"
    return release + {"alpha": "a", "beta": "b", "rc": "rc"}[pre] + number


def metadata(version, summary, readme):
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {NAME}",
        f"Version: {version}",
        f"Summary: {summary}",
        "License: MIT",
        "Requires-Python: >=3.7",
        f"Project-URL: Repository, {REPOSITORY}",
        f"Project-URL: Issues, {REPOSITORY}/issues",
        "Classifier: Environment :: Console",
        "Classifier: License :: OSI Approved :: MIT License",
        "Classifier: Programming Language :: Rust",
        "Classifier: Topic :: Software Development :: Quality Assurance",
    ]
    text = "\n".join(lines) + "\n"
    if readme is not None:
        text += "Description-Content-Type: text/markdown\n\n" + readme
    return text


def record_hash(data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def write_wheel(outdir, name, version, tags, files, metadata_text, purelib=False):
    """Writes NAME-VERSION-py3-none-TAGS.whl: FILES, a list of (path in the
    wheel, bytes, Unix mode), then the dist-info's METADATA, WHEEL and
    RECORD. Returns the file name."""
    dist_info = f"{name}-{version}.dist-info"
    wheel_file = "Wheel-Version: 1.0\nGenerator: shipcheck dist/pypi_wheel.py\n"
    wheel_file += f"Root-Is-Purelib: {'true' if purelib else 'false'}\n"
    wheel_file += "".join(f"Tag: py3-none-{tag}\n" for tag in tags)
    files = files + [
        (f"{dist_info}/METADATA", metadata_text.encode(), 0o644),
        (f"{dist_info}/WHEEL", wheel_file.encode(), 0o644),
    ]
    record = "".join(f"{path},{record_hash(data)},{len(data)}\n" for path, data, _ in files)
    record += f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    file_name = f"{name}-{version}-py3-none-{'.'.join(tags)}.whl"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data, mode in files:
            info = zipfile.ZipInfo(path, ZIP_DATE)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    with open(os.path.join(outdir, file_name), "wb") as f:
        f.write(buffer.getvalue())
    return file_name


def build(args):
    with open(args.binary, "rb") as f:
        binary = f.read()
    version = pep440(args.version)
    exe = NAME + (".exe" if "-windows-" in args.target else "")
    readme = None
    if args.readme:
        with open(args.readme, encoding="utf-8") as f:
            readme = f.read()
    # The binary is a script: pip and uv put it in the environment's bin.
    files = [(f"{NAME}-{version}.data/scripts/{exe}", binary, 0o755)]
    for license_file in args.license:
        with open(license_file, "rb") as f:
            license_path = f"{NAME}-{version}.dist-info/{os.path.basename(license_file)}"
            files.append((license_path, f.read(), 0o644))
    tags = platform_tags(args.target, binary)
    return write_wheel(args.outdir, NAME, version, tags, files, metadata(version, args.summary, readme))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--version", required=True, help="Cargo.toml's version")
    parser.add_argument("--target", required=True, help="the Rust target triple")
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--summary", default="Deployment-readiness gate")
    parser.add_argument("--readme")
    parser.add_argument("--license", action="append", default=[], help="repeatable")
    print(build(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
