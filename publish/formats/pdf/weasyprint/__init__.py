"""WeasyPrint as the PDF writer uses it: imported without spawning ldconfig (``loader``, with the
C type strings resolved by ``cffi_types``) and one correction to its column layout (``columns``).
Nothing outside ``publish.formats.pdf`` imports this package."""
