"""The themed article page: the theme's ``article.html`` around the rendered body, for print and EPUB."""
from __future__ import annotations

from typing import Any, Callable

from markupsafe import Markup

from .job import Job
from ..model import Node
from .html import RenderedBody, render_body


def render_page(job: Job, target: str, footnotes: str, image_url: Callable[[Node], str], head_extra: str = "",
                cover: str | None = None, marked: bool = False) -> tuple[str, RenderedBody]:
    """The whole themed article page as XHTML, and the body it was made from; ``cover`` is the
    URL of a cover picture to set as the first page (print), or None. ``marked``: each included
    template's output bracketed in comments naming its file (to find which one wrote a bad line)."""
    if job.doc.parts:
        return render_collection_page(job, target, footnotes, image_url, head_extra, cover, marked)
    rendered = render_body(job.doc, footnotes, image_url, list_counters=target == "print",
                           math="svg" if target == "print" else "mathml", labels=job.view.labels)
    page = themed(job, "article.html", marked, meta=job.view, body=rendered.body, notes=rendered.notes, target=target,
                  head_extra=Markup(head_extra), footnote_count=len(job.doc.footnotes), cover=cover)
    return page, rendered


def themed(job: Job, name: str, marked: bool = False, **context: Any) -> str:
    """The theme's template ``name`` rendered with ``context``; a template that fails names its
    own file and line. ``marked``: see render_page."""
    from jinja2 import TemplateError

    from ..errors import ThemeError
    from ..theme.env import html_env, template_where

    try:
        env = html_env(job.theme.template_dirs(), mark_includes_of=name) if marked else job.theme.html_env()
        return env.get_template(name).render(**context)
    except (TemplateError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
        # a theme's template fails on the article: name the template file and line, not ours
        filename, lineno = template_where(exc)
        where = filename or job.theme.find(f"templates/{name}")
        raise ThemeError(f"cannot render the template: {type(exc).__name__}: {exc}", where, lineno) from None


def render_collection_page(job: Job, target: str, footnotes: str, image_url: Callable[[Node], str], head_extra: str = "",
                           cover: str | None = None, marked: bool = False) -> tuple[str, RenderedBody]:
    """A collection as one page (print): its title, contents and introduction, each article with
    its own title block and end matter, the permissions page; and the introduction as rendered."""
    from .collection import collection_view, render_articles

    math = "svg" if target == "print" else "mathml"
    labels = job.view.labels
    intro = render_body(job.doc, footnotes, image_url, list_counters=target == "print", math=math, labels=labels)
    articles = render_articles(job.doc, job.theme.options, footnotes, image_url, target == "print", math, labels)
    page = themed(job, "collection.html", marked, meta=job.view, body=intro.body, notes=intro.notes, target=target,
                  head_extra=Markup(head_extra), footnote_count=len(job.doc.footnotes), cover=cover,
                  collection=collection_view(job.doc, job.view, job.theme.options, articles))
    headings = list(intro.headings)
    return page, RenderedBody(intro.body, intro.notes, headings)
