"""The web edition: one self-contained page or a folder (``write``), its head's metadata
(``meta``), its subset fonts (``fonts``), and its read-back (``read``). Imports what
``publish.formats`` may."""
