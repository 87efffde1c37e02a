"""The themed article page: the theme's ``article.html`` around the rendered body, for print and EPUB."""
from __future__ import annotations

from typing import Callable

from markupsafe import Markup

from .job import Job
from ..model import Node
from .html import RenderedBody, render_body


def render_page(job: Job, target: str, footnotes: str, image_url: Callable[[Node], str], head_extra: str = "",
                cover: str | None = None, marked: bool = False) -> tuple[str, RenderedBody]:
    """The whole themed article page as XHTML, and the body it was made from; ``cover`` is the
    URL of a cover picture to set as the first page (print), or None. ``marked``: each included
    template's output bracketed in comments naming its file (to find which one wrote a bad line)."""
    from jinja2 import TemplateError

    from ..errors import ThemeError
    from ..theme.env import html_env, template_where

    rendered = render_body(job.doc, footnotes, image_url, list_counters=target == "print",
                           math="svg" if target == "print" else "mathml", labels=job.view.labels)
    try:
        env = html_env(job.theme.template_dirs(), mark_includes_of="article.html") if marked else job.theme.html_env()
        template = env.get_template("article.html")
        page = template.render(
            meta=job.view,
            body=rendered.body,
            notes=rendered.notes,
            target=target,
            head_extra=Markup(head_extra),
            footnote_count=len(job.doc.footnotes),
            cover=cover,
        )
    except (TemplateError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
        # a theme's template fails on the article: name the template file and line, not ours
        filename, lineno = template_where(exc)
        where = filename or job.theme.find("templates/article.html")
        raise ThemeError(f"cannot render the template: {type(exc).__name__}: {exc}", where, lineno) from None
    return page, rendered
