"""Every field the API can send has a sensitivity class (DP-1, DP-14)."""

import pytest

from haven.api import serializers as s

SENSITIVE_SERIALIZERS = [
    cls
    for cls in vars(s).values()
    if isinstance(cls, type)
    and issubclass(cls, s.SensitiveFieldsMixin)
    and cls is not s.SensitiveFieldsMixin
]


def test_there_are_sensitive_serializers_to_check():
    assert len(SENSITIVE_SERIALIZERS) >= 8


@pytest.mark.parametrize("serializer", SENSITIVE_SERIALIZERS, ids=lambda c: c.__name__)
def test_dp14_every_field_of_an_api_response_has_a_sensitivity_class(serializer):
    unclassified = [name for name in serializer().fields if name not in serializer.SENSITIVITY]
    assert unclassified == []


def test_dp14_an_unclassified_field_is_never_sent():
    class Leaky(s.SensitiveFieldsMixin, s.serializers.Serializer):
        id = s.serializers.CharField()
        secret = s.serializers.CharField()
        SENSITIVITY = s.basic("id")

    data = Leaky({"id": "x", "secret": "y"}, context={"readable": frozenset(s.S)}).data
    assert data == {"id": "x"}
