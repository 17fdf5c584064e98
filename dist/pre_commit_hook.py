"""The build backend behind the pre-commit hook (pyproject.toml, PEP 517).

pre-commit installs a `language: python` hook by running `pip install .` on
the hook's repository at the tag the user pinned (`rev: v1.2.3`). Here that
builds `shipcheck-pre-commit-hook`, a distribution with no files that
requires the `shipcheck` wheel of Cargo.toml's version, so pip fetches the
platform's wheel from PyPI and the binary lands on the hook's PATH. The
version comes from Cargo.toml at that tag: nothing to bump by hand.

Standard library only (`requires = []`): no setuptools download and no Rust
build. This is not how shipcheck is built or published (dist/package.sh is).
"""

import os
import re

from pypi_wheel import pep440, write_wheel

NAME = "shipcheck_pre_commit_hook"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cargo_version():
    """[package].version from Cargo.toml (no tomllib before Python 3.11)."""
    with open(os.path.join(ROOT, "Cargo.toml"), encoding="utf-8") as f:
        package = re.search(r"^\[package\]$(.*?)(?=^\[|\Z)", f.read(), re.M | re.S)
    version = package and re.search(r'^version\s*=\s*"([^"]+)"', package.group(1), re.M)
    if not version:
        raise RuntimeError("no [package] version in Cargo.toml")
    return pep440(version.group(1))


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = cargo_version()
    metadata = "\n".join(
        [
            "Metadata-Version: 2.1",
            "Name: shipcheck-pre-commit-hook",
            f"Version: {version}",
            "Summary: Installs shipcheck for its pre-commit hook",
            f"Requires-Dist: shipcheck=={version}",
        ]
    )
    return write_wheel(wheel_directory, NAME, version, ["any"], [], metadata + "\n", purelib=True)


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError("shipcheck-pre-commit-hook is only built by pre-commit's `pip install .`")
