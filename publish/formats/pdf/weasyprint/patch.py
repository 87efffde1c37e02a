"""How publish corrects a WeasyPrint function: its own source with a few exact lines replaced,
compiled in its module's namespace, or nothing at all when the source is not what was expected."""
from __future__ import annotations

import inspect
import textwrap
from types import FunctionType, ModuleType
from typing import Any


def corrected(module: ModuleType, name: str, replacements: dict[str, str]) -> Any:
    """``module.name`` compiled from its source with each key replaced by its value, or None when
    the source is not shipped or does not hold each key exactly once (a WeasyPrint that changed)."""
    function = getattr(module, name, None)
    if not isinstance(function, FunctionType):
        return None
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):  # no source shipped (a frozen or compiled install)
        return None
    if any(source.count(old) != 1 for old in replacements):
        return None
    for old, new in replacements.items():
        source = source.replace(old, new)
    namespace = dict(vars(module))
    exec(compile(source, inspect.getsourcefile(module) or module.__name__, "exec"), namespace)
    return namespace[name]
