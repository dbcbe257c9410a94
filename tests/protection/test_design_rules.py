"""Design rules for protection, support and consent, checked against the source and the models:
help never depends on the child's cooperation with the authorities (CC-8, PS-3) nor on
nationality (CC-4). Each scan is paired with a test that it sees a planted violation."""

import ast
from collections.abc import Iterable
from pathlib import Path

from django.apps import apps
from django.db import models
from django.utils import translation

HAVEN = Path(__file__).resolve().parents[2] / "haven"
# Every area's safeguard rules (<app>/rules.py, and the placement rules).
RULES = sorted([*HAVEN.glob("*/rules.py"), *HAVEN.glob("*/*_rules.py")])
# The one place that names cooperation: the CC-8 check every help-ending write meets.
ENDING = HAVEN / "safeguards" / "ending.py"

# Where eligibility for protection and support could be made to depend on cooperation (CC-8).
# The justice area records the child's part in proceedings, so it names statements and
# testimony by necessity; that declining changes nothing in the child's help is proved there
# (tests/justice/test_vw8.py, VW-8).
COOPERATION_SCANNED = [
    path
    for path in [
        HAVEN / "protection" / "models.py",
        HAVEN / "consent" / "models.py",
        *sorted(HAVEN.glob("*/services.py")),
        *sorted(HAVEN.glob("*/*_services.py")),
        ENDING,
        *RULES,
    ]
    if "justice" not in path.parts
]
# Every module of protection and consent, and every rule (CC-4).
NATIONALITY_SCANNED = sorted(
    {
        *(p for app in ("protection", "consent") for p in (HAVEN / app).glob("*.py")),
        *RULES,
    }
)

# Words for cooperation with the authorities or testimony, in the languages Haven is used in.
# Kept here, apart from the application's own list, so that shortening that list cannot
# weaken this test.
COOPERATION_WORDS = (
    "cooperat",
    "co-operat",
    "testif",
    "testimon",
    "give evidence",
    "kooperatif",
    "kerja sama",
    "kerjasama",
    "bersaksi",
    "kesaksian",
    "ความร่วมมือ",
    "សហការ",
)

# The only top-level statements of safeguards/ending.py allowed to name cooperation: the list
# of words that REFUSES a reason about cooperation, the function that reads the list, the check
# that calls it, the CC-8 block rule whose message explains the refusal, and the mark that
# refuses a closed list of reasons with a reason about cooperation in it.
REFUSAL = frozenset(
    {
        "_COOPERATION_WORDS",
        "mentions_cooperation",
        "check_not_conditional",
        "HELP_NOT_CONDITIONAL",
        "ends_help",
    }
)


def _defined_names(node: ast.stmt) -> set[str]:
    if isinstance(node, ast.FunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {t.id for t in node.targets if isinstance(t, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    return set()


def _docstrings(tree: ast.AST) -> set[int]:
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _words_used(source: str, exempt: Iterable[str] = ()) -> set[str]:
    """Names (of variables, attributes, functions, classes, arguments, keywords) and strings the
    code uses, docstrings and comments aside, outside the top-level statements in `exempt`."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    exempt = set(exempt)
    kept = [node for node in tree.body if not (_defined_names(node) & exempt)]
    words: set[str] = set()
    for top in kept:
        for node in ast.walk(top):
            if isinstance(node, ast.Name):
                words.add(node.id)
            elif isinstance(node, ast.Attribute):
                words.add(node.attr)
            elif isinstance(node, ast.FunctionDef | ast.ClassDef):
                words.add(node.name)
            elif isinstance(node, ast.arg | ast.keyword) and node.arg:
                words.add(node.arg)
            elif isinstance(node, ast.alias):
                words.add(node.asname or node.name)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                words.add(node.value)
    return words


def _about_cooperation(words: Iterable[str]) -> list[str]:
    return sorted(w for w in words if any(c in w.casefold() for c in COOPERATION_WORDS))


def _about_nationality(words: Iterable[str]) -> list[str]:
    return sorted(w for w in words if "nationalit" in w.casefold())


def _cooperation_in(path: Path) -> list[str]:
    exempt = REFUSAL if path == ENDING else ()
    return _about_cooperation(_words_used(path.read_text(), exempt))


def _field_texts(field: models.Field) -> list[str]:
    """What a model field says: its name, label, help text, and each choice's value and label."""
    texts = [field.name, str(field.verbose_name), str(field.help_text)]
    for value, label in field.flatchoices or ():
        texts += [str(value), str(label)]
    return texts


def _app_fields() -> list[tuple[str, models.Field]]:
    return [
        (f"{model._meta.label}.{field.name}", field)
        for label in ("protection", "consent")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.Field)
    ]


# --- CC-8: nothing asks about cooperation ------------------------------------------------------


def test_cc8_no_protection_or_consent_model_field_or_choice_mentions_cooperation():
    with translation.override("en"):
        offending = {name: _about_cooperation(_field_texts(field)) for name, field in _app_fields()}
    assert {name: words for name, words in offending.items() if words} == {}
    # the scan did look at the fields that hold reasons and choices
    names = {name for name, _field in _app_fields()}
    assert {"protection.Service.not_delivered_reason", "protection.Service.reason_detail"} <= names


def test_cc8_no_model_service_or_rule_names_cooperation_outside_the_refusal():
    offending = {
        str(path.relative_to(HAVEN)): _cooperation_in(path) for path in COOPERATION_SCANNED
    }
    assert {path: words for path, words in offending.items() if words} == {}


def test_cc8_the_exempted_statements_are_the_refusal_and_only_it():
    source = ENDING.read_text()
    tree = ast.parse(source)
    by_name = {name: node for node in tree.body for name in _defined_names(node)}

    # every exemption exists and does name cooperation (none is stale)
    assert set(by_name) >= REFUSAL
    for name in REFUSAL:
        words = _words_used(ast.unparse(by_name[name]))
        assert _about_cooperation(words), name

    # the word list is read only by mentions_cooperation, which only the CC-8 check calls,
    # which is only the CC-8 block rule's check
    def users(name: str) -> set[str]:
        return {
            top
            for top, node in by_name.items()
            if top != name and any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(node))
        }

    assert users("_COOPERATION_WORDS") == {"mentions_cooperation"}
    assert users("mentions_cooperation") == {"check_not_conditional", "ends_help"}
    assert users("check_not_conditional") == {"HELP_NOT_CONDITIONAL"}
    rule = by_name["HELP_NOT_CONDITIONAL"]
    measure = next(
        k.value.value
        for n in ast.walk(rule)
        if isinstance(n, ast.Call)
        for k in n.keywords
        if k.arg == "measure_id"
    )
    assert measure == "CC-8"


def test_cc8_the_scan_would_see_a_cooperation_field_choice_or_rule():
    model_source = (
        "class Service(models.Model):\n"
        "    cooperates_with_police = models.BooleanField(default=False)\n"
        "class NotDeliveredReason(models.TextChoices):\n"
        '    NO_STATEMENT = "no_statement", _("The child would not give evidence")\n'
    )
    rule_source = (
        '_COOPERATION_WORDS = ("cooperat",)\n'
        "def eligible(cases):\n"
        '    """Help never depends on cooperation."""\n'
        "    return cases.filter(child__testified=True)\n"
    )
    assert _about_cooperation(_words_used(model_source)) == [
        "The child would not give evidence",
        "cooperates_with_police",
    ]
    # the refusal list is exempt, the docstring is not code, the condition is seen
    assert _about_cooperation(_words_used(rule_source, REFUSAL)) == ["child__testified"]
    # and a field defined on a model is seen by name, label or choice
    field = models.CharField(
        "reason", choices=[("refused_to_testify", "Refused to testify")], max_length=20
    )
    field.set_attributes_from_name("reason")
    assert _about_cooperation(_field_texts(field)) == ["Refused to testify", "refused_to_testify"]
    flag = models.BooleanField("Kerja sama dengan polisi")
    flag.set_attributes_from_name("flag")
    assert _about_cooperation(_field_texts(flag)) == ["Kerja sama dengan polisi"]


# --- CC-4: nothing reads nationality -----------------------------------------------------------


def test_cc4_no_protection_consent_or_rule_code_reads_nationality():
    offending = {
        str(path.relative_to(HAVEN)): _about_nationality(_words_used(path.read_text()))
        for path in NATIONALITY_SCANNED
    }
    assert {path: words for path, words in offending.items() if words} == {}
    assert HAVEN / "protection" / "services.py" in NATIONALITY_SCANNED
    assert HAVEN / "consent" / "services.py" in NATIONALITY_SCANNED


def test_cc4_no_protection_or_consent_model_holds_or_links_nationality():
    from haven.children.models import ChildNationality

    with translation.override("en"):
        offending = [
            name
            for name, field in _app_fields()
            if _about_nationality(_field_texts(field)) or field.related_model is ChildNationality
        ]
    assert offending == []


def test_cc4_the_scan_would_see_a_nationality_read():
    source = (
        "from haven.children.models import ChildNationality\n"
        "def service_record(*, case):\n"
        '    """Nationality is never asked."""\n'
        "    if case.child.nationalities.exists():\n"
        "        pass\n"
        '    return case.child.__class__.objects.filter(nationalities__country="TH")\n'
    )
    assert _about_nationality(_words_used(source)) == [
        "ChildNationality",
        "nationalities",
        "nationalities__country",
    ]
