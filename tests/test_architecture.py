"""The layers import only what they may: an ast walk over every module of each layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# A layer and the top-level packages it must never import. Only composition/ joins the core,
# the features and the adapters; only tests, bench and the demo import the sandbox.
FORBIDDEN: dict[str, set[str]] = {
    "bot": {"commands", "integrations", "composition", "sandbox"},
    "commands": {"integrations", "sandbox", "composition"},
    "integrations": {"commands", "sandbox", "composition"},
    "composition": {"sandbox"},
}


def imported_packages(source: Path) -> set[str]:
    """The top-level packages a module imports, wherever the import statement sits."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value.split(".")[0])
    return found


def violations(layer: str) -> list[str]:
    return [
        f"{module.relative_to(ROOT)} imports {package}"
        for module in sorted((ROOT / layer).rglob("*.py"))
        for package in sorted(imported_packages(module) & FORBIDDEN[layer])
    ]


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_no_forbidden_layer(layer: str) -> None:
    assert violations(layer) == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "import commands.kanban\nfrom integrations.wekan import WekanBoards\n"
        "def late():\n    from sandbox import demo\n    import_module('composition.cli')\n"
    )
    assert imported_packages(module) >= {"commands", "integrations", "sandbox", "composition"}
