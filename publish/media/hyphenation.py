"""Hyphenation in the PDF: which Pyphen patterns an article's language is set with, and parsing them ahead of the render.

Pyphen parses a pattern file in pure Python (0.04 to 0.14 s for American English on the 2-core
benchmark machine, a fifth of the article's PDF render or more). A build keeps the parsed
patterns in the project's cache as JSON (read back in a quarter of that time, and, unlike a
pickle, never able to run code); a parallel build loads them in the parent process while the PDF
worker imports WeasyPrint, and hands them to the worker with the job.

Pyphen's nonstandard alternatives (Hungarian "meny-nyire" for "mennyire", Catalan "l·l") are left
out: WeasyPrint draws the changed first part but resumes the next line at that part's length in
the word as written, so it drops or repeats letters ("meny-" then "yire").
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..theme import Theme

_AUTO = re.compile(r"hyphens\s*:\s*auto\b", re.IGNORECASE)


def patterns_for(lang: str, options: dict[str, Any]) -> str:
    """The language whose patterns hyphenate an article in ``lang`` (the theme's ``hyphenation`` option, else ``lang``)."""
    return str(options.get("hyphenation", {}).get(lang, lang))


def stylesheet(options: dict[str, Any]) -> str:
    """CSS that tells WeasyPrint which patterns to use for each mapped article language.

    ``[lang="en"]`` matches that exact tag only: an article in "en-GB" keeps British patterns.
    The rule sets the body, whose descendants inherit it: on the root element WeasyPrint's
    reading of the ``lang`` attribute wins over any rule. Themes come after it and may override
    it for parts of the page."""
    rules = [f'html[lang="{lang}"] > body {{ -weasy-lang: "{patterns}"; }}' for lang, patterns in sorted(options.get("hyphenation", {}).items())]
    return "\n".join(rules) + "\n"


def preload(theme: Theme, lang: str, folder: Path | None = None) -> dict[Path, Any]:
    """The parsed patterns a PDF in ``theme`` and language ``lang`` will hyphenate with, by file (Pyphen's own cache key);
    empty when the print stylesheets never ask for automatic hyphenation or Pyphen has no
    patterns for the language. With a cache ``folder``, patterns parsed by an earlier build
    are read from there, and patterns parsed now are kept there."""
    try:
        import pyphen
    except ImportError:
        return {}
    cache = getattr(pyphen, "hdcache", None)
    if not isinstance(cache, dict) or not any(_AUTO.search(text) for text, _ in theme.stylesheets("print")):
        return {}
    code = pyphen.language_fallback(patterns_for(lang, theme.options))
    if not code:
        return {}
    path = pyphen.LANGUAGES[code]
    if path not in cache and folder is not None:
        kept = _load(path, folder)
        if kept is not None:
            cache[path] = kept
    if path not in cache:
        pyphen.Pyphen(lang=code)  # parses the file into pyphen.hdcache, once per process
        standard_only(cache[path])
        if folder is not None:
            _keep(path, cache[path], folder)
    return {path: cache[path]}


def standard_only(parsed: Any) -> Any:
    """Parsed patterns with each nonstandard alternative (a value carrying Pyphen's ``data``: the
    letters it changes) made neutral, so no break there changes the word's letters; in place."""
    patterns = getattr(parsed, "patterns", None)
    if not isinstance(patterns, dict):
        return parsed
    for key, (start, values) in list(patterns.items()):
        if any(getattr(v, "data", None) for v in values):
            plain = tuple(0 if getattr(v, "data", None) else int(v) for v in values)
            if max(plain, default=0):
                patterns[key] = start, plain
            else:
                del patterns[key]
    getattr(parsed, "cache", {}).clear()
    return parsed


#: Bumped when what a cached file holds changes.
_CACHE_FORMAT = "1"


def _cache_file(path: Path, folder: Path) -> Path:
    """Where the parsed patterns of ``path`` are kept: named by the pattern file's bytes and Pyphen's version."""
    import pyphen

    digest = hashlib.sha256(f"{_CACHE_FORMAT} {getattr(pyphen, 'VERSION', '?')}\n".encode() + Path(path).read_bytes())
    return folder / f"{Path(path).stem}-{digest.hexdigest()[:24]}.json"


def _load(path: Path, folder: Path) -> Any | None:
    """The patterns kept by an earlier build, as a Pyphen HyphDict; None when there are none, or
    the file is not whole (its first line is the sha256 of the rest, so a damaged file is parsed again)."""
    import pyphen

    try:
        digest, _, text = _cache_file(path, folder).read_bytes().partition(b"\n")
        if digest.decode("ascii", "replace") != hashlib.sha256(text).hexdigest():
            return None
        kept = json.loads(text)
        # lists where Pyphen builds tuples: positions() only unpacks, slices and maps them
        patterns, maxlen = kept["patterns"], int(kept["maxlen"])
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(patterns, dict):
        return None
    parsed = pyphen.HyphDict.__new__(pyphen.HyphDict)
    parsed.patterns, parsed.cache, parsed.maxlen = patterns, {}, maxlen
    return parsed


def _keep(path: Path, parsed: Any, folder: Path) -> None:
    """Write parsed patterns to the cache, unless some are Pyphen's nonstandard alternatives (not plain numbers)."""
    patterns = getattr(parsed, "patterns", None)
    if not isinstance(patterns, dict) or any(type(v) is not int for _, values in patterns.values() for v in values):
        return
    data = {"maxlen": parsed.maxlen, "patterns": {key: [start, list(values)] for key, (start, values) in patterns.items()}}
    try:
        target = _cache_file(path, folder)
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f".{target.name}.{os.getpid()}.tmp"
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        temp.write_bytes(hashlib.sha256(text).hexdigest().encode("ascii") + b"\n" + text)
        os.replace(temp, target)  # whole or not at all
    except OSError:  # a read-only project: the build goes on without a cache
        pass


def install(patterns: dict[Path, Any]) -> None:
    """Put patterns parsed elsewhere into Pyphen's cache, where WeasyPrint's hyphenation looks first."""
    if not patterns:
        return
    import pyphen

    cache = getattr(pyphen, "hdcache", None)
    if isinstance(cache, dict):
        for path, parsed in patterns.items():
            cache.setdefault(path, parsed)
