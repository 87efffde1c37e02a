"""The house's rule: imports flow one way, from the model up to the command line, with no circle.

Every import counts: at the top of a module, inside a function, under ``TYPE_CHECKING``, and a
module named in a string (the writer and read-back registries load their modules by name). The
layers, lowest first, are those the package docstrings describe (README, "Where to find what")."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "publish"

#: Each part of publish and its layer: a module may import a part of a lower layer, or its own part.
LAYERS: dict[str, int] = {
    "publish.version": 0, "publish.errors": 0, "publish.model": 0,
    "publish.theme": 1,
    "publish.media": 2,
    "publish.read": 3,
    "publish.formats": 4,
    "publish.verifier": 5,
    "publish.builder": 6,
    "publish.project": 7, "publish.watch": 7, "publish.importer": 7,
    "publish.cli": 8, "publish": 8,
    "publish.__main__": 9,
}
#: What the verifier may take from the formats: what a read-back returns, and what each format
#: shows of the metadata and of a collection's articles; never a writer.
VERIFIER_FROM_FORMATS = {"publish.formats", "publish.formats.readback", "publish.formats.view", "publish.formats.collection"}


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = [package.name, *path.relative_to(package).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, in any way."""
    tree = ast.parse(path.read_text("utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in known else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value and node.value in known:
            found.add(node.value)
    return {target for target in found if target in known and target != name}


def part(name: str) -> str:
    """The layered part a module belongs to: the longest entry of LAYERS it falls under."""
    candidates = [p for p in LAYERS if name == p or p != "publish" and name.startswith(p + ".")]
    if not candidates:
        raise AssertionError(f"{name} is in no layer: add its part to LAYERS and to the README's map")
    return max(candidates, key=len)


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a part into a part of the same or a higher layer, and the verifier's imports of writers."""
    wrong = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            here, there = part(name), part(target)
            if here != there and LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{name} imports {target} (layer {LAYERS[there]} from layer {LAYERS[here]})")
            if here == "publish.verifier" and there == "publish.formats" and target not in VERIFIER_FROM_FORMATS:
                wrong.append(f"{name} imports {target}: the verifier compares read-backs and imports no writer")
    return wrong


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle (one path round each strongly connected group of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def graph_of(package: Path) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports(name, path, known) for name, path in known.items()}


def test_publish_has_no_import_circle_counting_lazy_and_type_checking_imports() -> None:
    assert circles(graph_of(PACKAGE)) == []


def test_every_import_goes_down_the_layers_and_the_verifier_imports_no_writer() -> None:
    assert upward(graph_of(PACKAGE)) == []


def test_every_package_says_what_it_owns_and_what_it_may_import() -> None:
    for init in sorted(PACKAGE.rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8"))) or ""
        if init.parent == PACKAGE:
            continue  # the API's docstring says what publish is
        assert "import" in doc.lower(), f"{init.relative_to(PACKAGE.parent)}: its docstring should say what the package may import"


def _tree(root: Path, files: dict[str, str]) -> Path:
    package = root / "publish"
    for relative, text in files.items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return package


def test_the_check_finds_a_circle_an_upward_import_and_a_writer_named_in_the_verifier(tmp_path: Path) -> None:
    package = _tree(tmp_path, {
        "model.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .read.article import x\n",
        "read/article.py": "def f():\n    from ..model import y\n",
        "formats/pdf/write.py": "",
        "verifier/compare.py": "MODULES = {'pdf': 'publish.formats.pdf.write'}\n",
    })
    graph = graph_of(package)
    assert circles(graph) == [["publish.model", "publish.read.article"]]
    assert upward(graph) == [
        "publish.model imports publish.read.article (layer 3 from layer 0)",
        "publish.verifier.compare imports publish.formats.pdf.write: the verifier compares read-backs and imports no writer",
    ]


def test_a_module_outside_every_layer_is_named() -> None:
    with pytest.raises(AssertionError, match="publish.newthing is in no layer"):
        part("publish.newthing")
