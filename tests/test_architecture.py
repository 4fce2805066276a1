"""Which layer may import which, read from the source with `ast` (no import is executed).

A rule is one line of FORBIDDEN: a layer (a top-level package of this repository) and the
top-level packages it must never import, whether by an import statement, a relative import
that climbs out of it, or a module name given as a string to `importlib.import_module` or
`__import__` (the way a core can load a plug-in without an import line)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT

# A layer and the top-level packages it must never import. Only composition/ joins the core,
# the features and the adapters; production code (what the bot's wheel and image ship) never
# imports the simulators, a distribution of their own that tests, bench/ and the demo use.
FORBIDDEN: dict[str, frozenset[str]] = {
    "bot": frozenset({"commands", "integrations", "composition", "sandbox"}),
    "commands": frozenset({"integrations", "composition", "sandbox"}),
    "integrations": frozenset({"commands", "composition", "sandbox"}),
    "composition": frozenset({"sandbox"}),
}
DYNAMIC_IMPORTS = ("import_module", "__import__")
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The module an ImportFrom names, with a relative import resolved against `module`."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
    return ".".join([*base, *([node.module] if node.module else [])])


def imported_modules(source: str, module: str, is_package: bool = False) -> Iterator[str]:
    """Every module name the source imports, statically or by a string: the argument of
    `import_module`/`__import__`, or a dotted module path handed to any call (the way
    `ensemble-bot` once loaded `"sandbox.demo"` through a helper)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield _absolute(node, module, is_package)
        elif isinstance(node, ast.Call):
            dynamic = _called_name(node) in DYNAMIC_IMPORTS
            names = [
                argument.value
                for argument in node.args
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            ]
            yield from (name for name in names if dynamic or DOTTED.fullmatch(name))


def _called_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else ""


def violations(layer: str, root: Path = PROJECT_ROOT) -> list[str]:
    """One `module imports target` line per import that breaks the layer's rule."""
    found: list[str] = []
    for path in sorted((root / layer).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        module = _module_name(path, root)
        targets = imported_modules(path.read_text("utf-8"), module, path.name == "__init__.py")
        found += [f"{module} imports {t}" for t in targets if t.split(".")[0] in FORBIDDEN[layer]]
    return found


# A layer of the table that is not in this tree yet is simply not checked.
LAYERS = [layer for layer in sorted(FORBIDDEN) if (PROJECT_ROOT / layer).is_dir()]


def test_the_core_layers_are_checked() -> None:
    assert {"bot", "commands", "integrations"} <= set(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_the_layer_imports_nothing_its_rule_forbids(layer: str) -> None:
    assert violations(layer) == []


@pytest.mark.parametrize(
    "source",
    [
        "import sandbox",
        "import sandbox.stack as stack",
        "from sandbox.demo import main",
        "from sandbox import demo",
        "from ..sandbox import demo",
        "from importlib import import_module\nimport_module('sandbox.demo')",
        "import importlib\nimportlib.import_module('sandbox.cli')",
        "__import__('sandbox')",
        "def load(name): ...\nload('sandbox.demo')",
    ],
)
def test_every_form_of_importing_the_sandbox_is_caught(source: str, tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "cli.py").write_text(source + "\n")
    assert violations("bot", tmp_path) != []


def test_imports_of_the_layer_itself_and_of_look_alikes_pass(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "cli.py").write_text(
        "import sandboxed\nfrom . import sandbox\nfrom bot.sandbox import x\n"
        "import_module(name)\nprint('sandbox', 'see sandbox.md')\n"
    )
    assert violations("bot", tmp_path) == []
