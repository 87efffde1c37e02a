"""Reading: an article file -> one Document (publish.model), read once.

Owns the front matter (``metadata``, ``dates``, ``language``) and the Markdown body
(``markdown`` with its rules: ``extensions``, ``pandoc_tables``, ``rawhtml``); ``article`` ties
them together (``read_document``). May import: ``publish.errors``, ``publish.model``,
``publish.theme`` and ``publish.media`` (math is checked while reading); never a format,
``publish.verifier`` or ``publish.builder``.
"""
