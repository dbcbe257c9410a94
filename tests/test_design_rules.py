"""Design rules checked against the source."""

import ast
from pathlib import Path

HAVEN = Path(__file__).resolve().parents[1] / "haven"

# The code that decides who sees what, who may do what, which alerts are raised and what a
# screening finds. None of it may look at a child's nationality (CC-4).
DECIDING_CODE = [
    HAVEN / "accounts" / "roles.py",
    HAVEN / "cases" / "access.py",
    HAVEN / "identification" / "outcome.py",
    # Every area's safeguard rules (<app>/rules.py, and the placement rules).
    *sorted(HAVEN.glob("*/rules.py")),
    *sorted(HAVEN.glob("*/*_rules.py")),
]


def _words_used(source: str) -> set[str]:
    """Names, attributes, keywords and strings the code uses; docstrings and comments aside."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.keyword) and node.arg:
            words.add(node.arg)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            words.add(node.value)
    return words


def test_cc4_no_access_rule_safeguard_or_outcome_depends_on_nationality():
    offending = {
        str(path.relative_to(HAVEN)): sorted(
            w for w in _words_used(path.read_text()) if "national" in w.lower()
        )
        for path in DECIDING_CODE
    }
    assert {path: words for path, words in offending.items() if words} == {}


def test_cc4_the_check_would_see_a_nationality_condition():
    source = 'def rule(cases):\n    return cases.filter(child__nationalities__country="TH")\n'
    assert "child__nationalities__country" in _words_used(source)
