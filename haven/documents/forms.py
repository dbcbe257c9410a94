from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.core.forms import TEXT_MAX_LENGTH
from haven.documents.content import max_bytes, too_large
from haven.documents.models import CLASSES, Document
from haven.documents.services import TITLE_MAX_LENGTH


class DocumentForm(forms.Form):
    content = forms.FileField(
        label=_("File or photo"),
        help_text=_("A photo (JPEG, PNG) or a PDF. Where and when a photo was taken is removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )
    kind = forms.ChoiceField(label=_("What kind of document"), choices=Document.Kind.choices)
    title = forms.CharField(
        label=_("What it is, in a few words"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("For example: birth certificate; drawing of her family; hospital letter."),
    )
    sensitivity = forms.ChoiceField(
        label=_("Who may see it"),
        widget=forms.RadioSelect,
        help_text=_(
            "Only people whose role reads this kind of information on the case will know the "
            "document exists. A photo that shows where the child lives is whereabouts."
        ),
    )

    def __init__(self, *args: Any, classes: frozenset[Any] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["sensitivity"]
        assert isinstance(field, forms.ChoiceField)
        # Only the classes the uploader reads on the case (the service refuses the others).
        field.choices = [(s.value, s.label) for s in CLASSES if s in classes]

    def clean_content(self) -> Any:
        upload = self.cleaned_data["content"]
        # Refused by its declared size before it is read into memory.
        if upload.size > max_bytes():
            raise forms.ValidationError(too_large())
        return upload


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Why remove it"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.TextInput(),
        help_text=_("For example: attached to the wrong child; the wrong file."),
    )
