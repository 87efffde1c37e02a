"""The verifier: what a format's read-back returns, compared with the article (``compare``):
every paragraph in order and every metadata field, visible and in the format's own fields.

May import: ``publish.errors``, ``publish.model``, ``publish.theme``, ``publish.media``,
``publish.read``, and from ``publish.formats`` only ``readback`` (the read-backs, through its
registry) and ``view`` (what each format shows of the metadata): never a writer, nor ``publish.builder``.
"""
