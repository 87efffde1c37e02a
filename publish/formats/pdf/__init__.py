"""The PDF: written through WeasyPrint, read back through PDFium.

``write`` (the writer), ``page`` (the HTML page it is rendered from, made without WeasyPrint),
``hyphens`` (no word hyphenated across a column or page break), ``read`` (the read-back) and
``weasyprint/`` (how WeasyPrint is imported and patched). Imports what ``publish.formats`` may.
"""
