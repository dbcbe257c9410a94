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
