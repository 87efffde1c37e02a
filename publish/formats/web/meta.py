"""The web edition's head: schema.org JSON-LD, Open Graph, Twitter card and Dublin Core tags, the canonical link."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..view import View

def canonical_url(view: View) -> str | None:
    """The original article's address, when the front matter gives one: a ``source.url`` with a
    path or query beyond the outlet's home page. An outlet's home page names no article, so it
    gives no canonical link (a search engine would fold the reprint into the home page)."""
    url = view.source_url
    if not url:
        return None
    parts = urlsplit(url)
    return url if parts.path.strip("/") or parts.query else None


def schema_type(view: View) -> str:
    """The theme's ``schema_type``; ``auto`` is NewsArticle for a dated article from a named outlet."""
    chosen = str(view.options.get("schema_type", "auto"))
    if chosen != "auto":
        return chosen
    return "NewsArticle" if view.date_iso and view.source_name else "Article"


def json_ld(view: View, cover_url: str | None) -> dict[str, Any]:
    """The schema.org description of the page, from the article's metadata only."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": schema_type(view), "headline": view.title.text}
    if view.subtitle:
        data["alternativeHeadline"] = view.subtitle.text
    if view.date_iso:
        data["datePublished"] = view.date_iso
    if view.authors:
        data["author"] = [_person(view, index, name) for index, name in enumerate(view.authors)]
    if view.publisher:
        data["publisher"] = {"@type": "Organization", "name": view.publisher}
    data["inLanguage"] = view.lang
    if view.keywords:
        data["keywords"] = list(view.keywords)
    if view.description:
        data["description"] = view.description
    if view.abstract:
        data["abstract"] = view.abstract.text
    if cover_url:
        data["image"] = cover_url
    if view.source_name:
        outlet: dict[str, Any] = {"@type": "Organization", "name": view.source_name}
        original: dict[str, Any] = {"@type": "CreativeWork", "publisher": outlet}
        canonical = canonical_url(view)
        if canonical:
            original["url"] = canonical
            outlet["url"] = f"{urlsplit(canonical).scheme}://{urlsplit(canonical).netloc}"
        elif view.source_url:
            outlet["url"] = view.source_url
        data["isBasedOn"] = original
    if view.rights:
        data["copyrightNotice"] = view.rights.text
    if view.credits:
        texts = [c.text for c in view.credits]
        data["creditText"] = texts[0] if len(texts) == 1 else texts
    data["identifier"] = view.identifier
    return data


def collection_json_ld(view: View, meta: Any, parts: list[tuple[str, View]], cover_url: str | None) -> dict[str, Any]:
    """The schema.org description of a collection's page: a PublicationIssue (when it has an issue or
    number; else a Book, an anthology) with its editors, and ``hasPart`` each article as on its own
    page (its authors, ``isBasedOn``, ``copyrightNotice``, ``creditText``), each with the ``@id`` of
    its element (``#article-3``)."""
    data = json_ld(view, cover_url)
    data.pop("author", None)
    data["@type"] = "PublicationIssue" if meta.issue or meta.number else "Book"
    data["name"] = data["headline"]
    if meta.issue or meta.number:
        data["issueNumber"] = meta.issue or meta.number
    if meta.volume:
        data["isPartOf"] = {"@type": "PublicationVolume", "volumeNumber": meta.volume}
    if meta.editors:
        data["editor"] = [{"@type": "Person", "name": name} for name in meta.editors]
    data["hasPart"] = []
    for ident, part in parts:
        item = json_ld(part, None)
        item.pop("@context")
        data["hasPart"].append({"@id": f"#{ident}", **item})
    return data


def _person(view: View, index: int, name: str) -> dict[str, Any]:
    """An author as a schema.org Person, with their affiliations, e-mail and ORCID iD when the front matter gives them."""
    person: dict[str, Any] = {"@type": "Person", "name": name}
    people = view.people
    byline = people[index] if index < len(people) and people[index].name == name else None
    if byline is None:
        return person
    affiliations = view.affiliations
    names = [affiliations[mark - 1] for mark in byline.marks if 0 < mark <= len(affiliations)]
    if names:
        person["affiliation"] = [{"@type": "Organization", "name": n} for n in names]
    if byline.email:
        person["email"] = byline.email
    if byline.orcid:
        person["sameAs"] = byline.orcid if byline.orcid.startswith("https://") else f"https://orcid.org/{byline.orcid}"
    return person


def script_json(data: dict[str, Any]) -> str:
    """JSON for a ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` as JSON escapes,
    so no text of the article can close the script element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass
class HeadTags:
    """``<meta name>`` and ``<meta property>`` pairs, in order."""

    names: list[tuple[str, str]] = field(default_factory=list)
    properties: list[tuple[str, str]] = field(default_factory=list)


def head_tags(view: View, has_cover: bool) -> HeadTags:
    """Description, keywords and author; Dublin Core (``dcterms.*``) for rights, source, date and
    the rest; Open Graph (``og:*``, ``article:*``) and a Twitter card."""
    tags = HeadTags()
    name, prop = tags.names.append, tags.properties.append
    if view.description:
        name(("description", view.description))
    if view.keywords:
        name(("keywords", ", ".join(view.keywords)))
    for author in view.authors:
        name(("author", author))
    name(("dcterms.title", view.title.text))
    for author in view.authors:
        name(("dcterms.creator", author))
    if view.date_iso:
        name(("dcterms.date", view.date_iso))
    name(("dcterms.language", view.lang))
    if view.publisher:
        name(("dcterms.publisher", view.publisher))
    if view.rights:
        name(("dcterms.rights", view.rights.text))
    if view.source_name:
        name(("dcterms.source", f"{view.source_name} ({view.source_url})" if view.source_url else view.source_name))
    for keyword in view.keywords:
        name(("dcterms.subject", keyword))
    if view.description:
        name(("dcterms.description", view.description))
    name(("dcterms.identifier", view.identifier))
    name(("twitter:card", "summary_large_image" if has_cover else "summary"))
    name(("twitter:title", view.title.text))
    if view.description:
        name(("twitter:description", view.description))
    prop(("og:type", "article"))
    prop(("og:title", view.title.text))
    if view.description:
        prop(("og:description", view.description))
    canonical = canonical_url(view)
    if canonical:
        prop(("og:url", canonical))
    if view.publisher:
        prop(("og:site_name", view.publisher))
    parts = view.lang.split("-")
    if len(parts) >= 2 and len(parts[-1]) == 2:
        prop(("og:locale", f"{parts[0].lower()}_{parts[-1].upper()}"))
    if view.date_iso:
        prop(("article:published_time", view.date_iso))
    for author in view.authors:
        prop(("article:author", author))
    for keyword in view.keywords:
        prop(("article:tag", keyword))
    return tags
