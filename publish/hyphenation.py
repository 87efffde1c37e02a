"""Hyphenation in the PDF: which Pyphen patterns an article's language is set with, and parsing them ahead of the render.

Pyphen parses a pattern file in pure Python (0.07 to 0.14 s for American English on the 2-core
benchmark machine, a fifth of the article's PDF render or more). A parallel build parses it in the
parent process, which has nothing else to do while the PDF worker imports WeasyPrint, and
hands the parsed patterns to the worker with the job.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .job import Job

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


def preload(job: Job) -> dict[Path, Any]:
    """The parsed patterns the job's PDF will hyphenate with, by file (Pyphen's own cache key);
    empty when the print stylesheets never ask for automatic hyphenation or Pyphen has no
    patterns for the language."""
    try:
        import pyphen
    except ImportError:
        return {}
    cache = getattr(pyphen, "hdcache", None)
    if not isinstance(cache, dict) or not any(_AUTO.search(text) for text, _ in job.theme.stylesheets("print")):
        return {}
    code = pyphen.language_fallback(patterns_for(job.view.lang, job.theme.options))
    if not code:
        return {}
    path = pyphen.LANGUAGES[code]
    pyphen.Pyphen(lang=code)  # parses the file into pyphen.hdcache, once per process
    return {path: cache[path]}


def install(patterns: dict[Path, Any]) -> None:
    """Put patterns parsed elsewhere into Pyphen's cache, where WeasyPrint's hyphenation looks first."""
    if not patterns:
        return
    import pyphen

    cache = getattr(pyphen, "hdcache", None)
    if isinstance(cache, dict):
        for path, parsed in patterns.items():
            cache.setdefault(path, parsed)
