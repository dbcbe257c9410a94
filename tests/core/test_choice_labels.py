"""get_<field>_display() on Haven's records keeps each field's choices as a dict
(haven.core.models.HavenModel): the label is still the one of the reader's language, and a value
that is not a choice is shown as it is, as with Django's own."""

from django.utils import translation

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.cases.models import Case


def test_a_label_is_given_in_the_language_active_when_it_is_shown() -> None:
    case = Case(stage=Case.Stage.PROTECTION)

    english = case.get_stage_display()
    with translation.override("th"):
        thai = case.get_stage_display()

    assert english == "Protection and support"
    assert thai == "การคุ้มครองและช่วยเหลือ"
    assert case.get_stage_display() == english


def test_each_field_has_its_own_labels_and_an_unknown_value_is_shown_as_it_is() -> None:
    membership = Membership(role=Role.INTERPRETER)
    case = Case(stage="no_such_stage")

    assert membership.get_role_display() == str(Role.INTERPRETER.label)
    assert case.get_stage_display() == "no_such_stage"
