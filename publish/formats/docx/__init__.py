"""The Word DOCX: written through python-docx (``output``, the entry point: ``write`` for an
article, ``collection`` for an issue or anthology, one section per article; ``styles``,
``parts``, ``fonts`` and ``ooxml`` for what python-docx does not make), read back paragraph by
paragraph (``read``; a collection's article by article). Imports what ``publish.formats`` may."""
