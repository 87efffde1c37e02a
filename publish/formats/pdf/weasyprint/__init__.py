"""WeasyPrint as the PDF writer uses it: imported without spawning ldconfig (``loader``, with the
C type strings resolved by ``cffi_types``) and two corrections (``patch``): its column layout
(``columns``) and the first-line indent of right-to-left paragraphs (``indent``).
Nothing outside ``publish.formats.pdf`` imports this package."""
