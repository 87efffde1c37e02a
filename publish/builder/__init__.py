"""The builder: articles -> verified files in the output folder.

Owns the pipeline (``pipeline``: read once, render the stale formats, verify, replace
atomically), its worker processes (``workers``), the manifest of what was built from what
(``manifest``), where each output goes (``outputs``) and ``publish verify`` over a built folder
(``check``). May import every package below it: ``errors``, ``model``, ``theme``, ``media``,
``read``, ``formats``, ``verifier``; never ``cli``, ``watch``, ``project`` or the API.
"""
