"""The Word DOCX: written through python-docx (``write``; ``styles``, ``parts``, ``fonts`` and
``ooxml`` for what python-docx does not make; ``collection`` for an issue or anthology, one
section per article), read back paragraph by paragraph (``read``; a collection's article by article).
Imports what ``publish.formats`` may."""
