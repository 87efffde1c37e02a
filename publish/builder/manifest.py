"""The build manifest: per output, the sha256 of every input and of the output, so unchanged outputs are skipped."""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

NAME = ".publish-manifest.json"
SCHEMA = 1
#: Distributions whose versions are part of every output's inputs, and those of one format only.
COMMON_DISTS = ("markdown-it-py", "mdit-py-plugins", "jinja2", "pyyaml", "latex2mathml")
FORMAT_DISTS: dict[str, tuple[str, ...]] = {
    "pdf": ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "pyphen", "ziamath", "ziafont"),
    "epub": ("ebooklib", "lxml", "uharfbuzz", "fonttools", "brotli"),
    "docx": ("python-docx", "lxml", "mathml-to-omml", "uharfbuzz", "fonttools"),
    "html": ("lxml", "uharfbuzz", "fonttools", "brotli"),
}
#: Environment variables that change the bytes written.
ENV_INPUTS = ("SOURCE_DATE_EPOCH", "PUBLISH_PDF_PARTS")  # the second: how many parts a long PDF is laid out in (pdf_parts.py)


def sha256_bytes(data: bytes) -> str:
    """The hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """The hex sha256 of a file's bytes, or None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@lru_cache(maxsize=1)
def _installed() -> dict[str, str]:
    """Installed distributions' versions, from the names of their ``.dist-info`` folders: one listing
    per sys.path entry instead of a metadata search per distribution (this runs on every no-op build)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, version = name[: -len(".dist-info")].split("-", 1)
                found.setdefault(_normal(dist), version)
    return found


def _dist_version(name: str) -> str | None:
    version = _installed().get(_normal(name))
    if version is not None:
        return version
    from importlib import metadata  # slow to import: only for a distribution not found above

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of publish's own modules, so an edited (unreleased) publish rebuilds its outputs."""
    package = Path(__file__).resolve().parent.parent  # publish/, this file being publish/builder/manifest.py
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=None)
def versions(fmt: str) -> dict[str, str | None]:
    """publish's version and code digest, and the versions of the libraries a format is written with."""
    from ..version import __version__

    found: dict[str, str | None] = {"publish": __version__, "publish-code": code_digest()}
    for name in COMMON_DISTS + FORMAT_DISTS.get(fmt, ()):
        found[name] = _dist_version(name)
    return found


def theme_digests(chain: list[Path], files: list[Path]) -> dict[str, str | None]:
    """Every theme file's sha256, keyed by its place in the chain (``0:default/css/print.css``)."""
    found: dict[str, str | None] = {}
    for path in files:
        for index, folder in enumerate(chain):
            if folder == path or folder in path.parents:
                key = f"{index}:{folder.name}/{path.relative_to(folder).as_posix()}"
                break
        else:
            key = str(path)
        found[key] = sha256_file(path)
    return found


def options_digest(options: dict[str, Any], source: Path, project: Path) -> str:
    """The sha256 of the build options (an option set to None is no option), with the source and project."""
    payload = {"options": {k: v for k, v in options.items() if v is not None}, "source": str(source.resolve()), "project": str(project)}
    return sha256_bytes(json.dumps(payload, sort_keys=True, default=str).encode("utf-8"))


def environment() -> dict[str, str | None]:
    """The environment variables that change the outputs' bytes."""
    return {name: os.environ.get(name) for name in ENV_INPUTS}


def image_digests(paths: dict[str, Path]) -> dict[str, str | None]:
    """The sha256 of each image, by its path relative to the project."""
    return {key: sha256_file(path) for key, path in sorted(paths.items())}


@dataclass
class Inputs:
    """Everything one output depends on, as digests; images are kept apart (they need the parsed source)."""

    source: str
    theme: dict[str, str | None]
    options: str
    versions: dict[str, str | None]
    env: dict[str, str | None]
    images: dict[str, str | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "images": self.images,
            "theme": self.theme,
            "options": self.options,
            "versions": self.versions,
            "env": self.env,
        }


class Manifest:
    """The manifest of one output folder: read once, updated per output, written atomically."""

    def __init__(self, folder: Path, outputs: dict[str, dict[str, Any]] | None = None) -> None:
        self.folder = folder
        self.outputs: dict[str, dict[str, Any]] = outputs or {}

    @property
    def path(self) -> Path:
        return self.folder / NAME

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """The folder's manifest; missing, unreadable or of another schema means empty (rebuild everything)."""
        try:
            data = json.loads((folder / NAME).read_text("utf-8"))
        except (OSError, ValueError):
            return cls(folder)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("outputs"), dict):
            return cls(folder)
        return cls(folder, data["outputs"])

    def is_current(self, target: Path, inputs: Inputs, verified: bool = False) -> bool:
        """True if ``target`` was built from exactly these inputs and is still the file that was built
        (and, with ``verified``, the file that was read back and passed: it need not be read again)."""
        entry = self.outputs.get(target.name)
        if not isinstance(entry, dict) or not isinstance(entry.get("inputs"), dict):
            return False
        if verified and entry.get("verified") != entry.get("output"):
            return False
        recorded = entry["inputs"]
        current = inputs.as_dict()
        for key in ("source", "theme", "options", "versions", "env"):
            if recorded.get(key) != current[key]:
                return False
        images = recorded.get("images")
        if not isinstance(images, dict):
            return False
        project = Path(str(entry.get("project", "")))
        if image_digests({key: project / key for key in images}) != images:
            return False
        return sha256_file(target) == entry.get("output")

    def record(
        self, target: Path, source: Path, fmt: str, project: Path, inputs: Inputs, data_sha: str, size: int,
        theme: str | None = None, options: dict[str, Any] | None = None, verified: bool = False,
    ) -> None:
        """Remember what ``target`` was built from (the theme as it was named, the options), what it is,
        and whether this very file was read back and passed (``verified`` holds its sha256 then)."""
        self.outputs[target.name] = {
            "source": str(source.resolve()),
            "format": fmt,
            "project": str(project),
            "theme": theme,
            "options": {k: v for k, v in sorted((options or {}).items()) if v is not None},
            "inputs": inputs.as_dict(),
            "output": data_sha,
            "verified": data_sha if verified else None,
            "size": size,
        }

    def theme_of(self, name: str) -> str | None:
        """The theme (its folder's name) an output in this folder was last built with, if known."""
        entry = self.outputs.get(name)
        digests = entry.get("inputs", {}).get("theme") if isinstance(entry, dict) else None
        first = next((key for key in sorted(digests or {}) if key.startswith("0:")), None)
        return first[2:].split("/", 1)[0] if first else None

    def built(self, source: Path, out: Path, options: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        """The records of a source's outputs in this folder, by format (what was built, and how)."""
        from .outputs import output_path

        resolved = str(source.resolve())
        found = {}
        for entry in self.outputs.values():
            if not isinstance(entry, dict) or entry.get("source") != resolved:
                continue
            fmt = str(entry.get("format"))
            recorded = entry.get("options") if isinstance(entry.get("options"), dict) else {}
            if output_path(source, fmt, out, {**recorded, **{k: v for k, v in (options or {}).items() if v}}).is_file():
                found[fmt] = entry
        return found

    def save(self) -> None:
        """Write the manifest beside the outputs, atomically."""
        text = json.dumps({"schema": SCHEMA, "outputs": self.outputs}, indent=1, sort_keys=True) + "\n"
        temp = self.folder / f".{NAME}.{os.urandom(4).hex()}.tmp"
        try:
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, self.path)
        finally:
            if temp.exists():
                temp.unlink()
