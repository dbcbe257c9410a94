from haven.audit.labels import detail, label


def test_timeline_detail_is_built_from_coded_values_only():
    assert label("case.stage") == "Stage changed"
    assert detail("case.stage", {"stage": ["identification", "protection"]}) == (
        "Identification → Protection and support"
    )
    assert detail("assignment.start", {"user": [None, "x"], "role": [None, "interpreter"]}) == (
        "Interpreter"
    )
    assert detail(
        "child.update", {"given_name": ["[changed]", "[changed]"], "nationalities": [[], ["TH"]]}
    ) == ("given name, nationality")
    assert detail("note.add", {}) == ""


def test_dp3_every_case_action_reads_as_a_sentence_on_the_timeline():
    """Every action a service records against a case has a label, so the timeline never shows
    a raw code. Account and agency actions are not on a case's timeline."""
    import re
    from pathlib import Path

    from haven.audit.labels import ACTION_LABELS

    root = Path(__file__).resolve().parents[2] / "haven"
    actions = {
        match
        for path in root.rglob("services.py")
        for match in re.findall(r'action="([a-z_]+\.[a-z_]+)"', path.read_text())
    }
    not_on_a_case = {
        a for a in actions if a.split(".")[0] in {"user", "agency", "membership", "language"}
    }
    not_on_a_case |= {"guardian.create"}  # a guardian joins the agency's list, not a case
    assert actions - not_on_a_case - set(ACTION_LABELS) == set()
    assert len(actions) > 40


def test_timeline_detail_names_the_placement_and_the_consent_purpose():
    assert detail("placement.record", {"type": [None, "immigration_detention"]}) == (
        "Immigration detention"
    )
    assert detail("consent.record", {"purpose": [None, "medical_examination"]}) == (
        "Medical examination"
    )
    assert detail("decision.record", {"kind": [None, "bid"]}) == (
        "Best-interests determination (formal, by a panel)"
    )
