"""The EPUB 3: written through ebooklib (``write``, with its accessibility ``summary``), read
back from its spine and OPF (``read``). Imports what ``publish.formats`` may."""
