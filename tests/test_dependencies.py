"""The lock file installs exactly what pyproject.toml asks for, with hashes, and nothing
the project does not list."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def pinned() -> dict[str, tuple[Version, int]]:
    """name -> (pinned version, number of hashes) from requirements.lock."""
    text = (ROOT / "requirements.lock").read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", block)
        if match:
            name = canonicalize_name(match.group(1).split("[")[0])
            pins[name] = (Version(match.group(2)), block.count("--hash=sha256:"))
    return pins


def wanted() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [Requirement(r) for r in project["dependencies"] + extras["dev"] + extras["s3"]]


def test_every_dependency_and_extra_is_pinned_within_its_bounds_with_hashes():
    pins = pinned()
    for requirement in wanted():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in pyproject.toml but not in requirements.lock: run make lock"
        version, hashes = pins[name]
        assert version in requirement.specifier, f"{name}=={version} is outside {requirement.specifier}"
        assert hashes >= 1, f"{name} has no hash"


def test_every_pin_has_a_hash_and_the_lock_names_its_command():
    text = (ROOT / "requirements.lock").read_text()
    assert "--generate-hashes" in text.splitlines()[1]
    assert all(hashes for _, hashes in pinned().values())


def test_runtime_dependencies_have_upper_bounds():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        assert "<" in str(Requirement(line).specifier), f"{line} has no upper bound"
