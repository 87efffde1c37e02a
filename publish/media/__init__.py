"""Media: what an article points at or draws with, checked and converted for the formats.

Owns images (``assets``, ``svg``), TeX math (``texmath``: MathML, SVG, OMML), font coverage
(``fonts``), font embedding and subsetting (``font_embed``), the installed fonts of an
article's scripts that travel with it (``script_fonts``) and hyphenation patterns
(``hyphenation``). May import: ``publish.errors``, ``publish.model``, ``publish.theme``; never
a reader, a format, ``publish.verifier`` or ``publish.builder``.
"""
