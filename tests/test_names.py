"""One spelling and one meaning per name: ``analyze`` in identifiers, no two classes or modules sharing a name."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import Counter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "formcheck"
SOURCES = sorted(PACKAGE.rglob("*.py"))
# British spelling of the verb in an identifier (prose in strings and comments may say "analysed").
BRITISH_VERB = re.compile(r"analys(e|ed|es|ing)(?!s)", re.IGNORECASE)
# Stored in every workspace database as a column name: renaming it needs a schema migration.
STORED_NAMES = frozenset({"analysed_at"})


def _identifiers(path: Path) -> set[str]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return {token.string for token in tokens if token.type == tokenize.NAME}


def test_identifiers_spell_analyze_one_way() -> None:
    british = {
        f"{path.relative_to(PACKAGE.parent)}: {name}"
        for path in SOURCES
        for name in _identifiers(path)
        if BRITISH_VERB.search(name) and name not in STORED_NAMES and name.lower() != "analyses"
    }
    assert british == set()


def test_no_two_classes_share_a_name() -> None:
    classes = Counter(
        node.name
        for path in SOURCES
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef)
    )
    assert sorted(name for name, count in classes.items() if count > 1) == []


def test_no_two_modules_share_a_name() -> None:
    modules = Counter(path.name for path in SOURCES if path.name != "__init__.py")
    assert sorted(name for name, count in modules.items() if count > 1) == []
