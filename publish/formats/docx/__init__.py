"""The Word DOCX: written through python-docx (``write``; ``styles``, ``parts``, ``fonts`` and
``ooxml`` for what python-docx does not make), read back paragraph by paragraph (``read``).
Imports what ``publish.formats`` may."""
