"""The child as a person, separate from the cases about them (a child may have several cases
over time, RR-6). Names keep their original script next to a romanisation, because children
are found across agencies and countries by name (issue: identification search)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.codes import validate_country, validate_language
from haven.core.fields import EncryptedTextField
from haven.core.forms import has_visible_letters, without_bidi_controls
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Not known")


class Gender(models.TextChoices):
    """HTCDS 2.0 prs_Gender, plus a self-described answer."""

    FEMININE = "Feminine", _("Feminine")
    MASCULINE = "Masculine", _("Masculine")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified or unknown")
    SELF_DESCRIBED = "SelfDescribed", _("In the child's own words")


class AgeStatus(models.TextChoices):
    KNOWN = "known", _("Known (documented birth date)")
    ESTIMATED = "estimated", _("Estimated")
    UNCERTAIN = "uncertain", _("Uncertain")
    DISPUTED = "disputed", _("Disputed")
    DETERMINED = "determined", _("Determined by a completed age assessment")


# What a practitioner may enter: "determined" is set only by a completed age assessment.
AGE_STATUS_INPUT_CHOICES = [c for c in AgeStatus.choices if c[0] != AgeStatus.DETERMINED]


class ParentalCare(models.TextChoices):
    WITH_PARENTS = "with_parents", _("Living with parents")
    SEPARATED = "separated", _("Separated (with other relatives or adults)")
    UNACCOMPANIED = "unaccompanied", _("Unaccompanied")
    PARENTAL_COMPLICITY = "parental_complicity", _("Parents involved in the exploitation")
    NO_PARENTS = "no_parents", _("No living parents")
    UNKNOWN = "unknown", _("Not yet known")


# Parental-care situations in which the child is deprived of parental care (PS-1).
DEPRIVED_OF_PARENTAL_CARE = frozenset(
    {
        ParentalCare.SEPARATED,
        ParentalCare.UNACCOMPANIED,
        ParentalCare.PARENTAL_COMPLICITY,
        ParentalCare.NO_PARENTS,
    }
)


# No birth date, documented or assessed, is older than this: 0001-01-01 is a slip, not an age.
EARLIEST_BIRTH_YEAR = 1900


class Child(HavenModel):
    given_name = models.CharField(_("given name"), max_length=120)
    family_name = models.CharField(_("family name"), max_length=120, blank=True)
    family_name_first = models.BooleanField(
        _("family name comes first"),
        default=False,
        help_text=_("As in Khmer, Vietnamese or Chinese names."),
    )
    name_romanised = models.CharField(
        _("name in Latin letters"),
        max_length=250,
        blank=True,
        help_text=_(
            "How the name is written in Latin letters, if the original uses another script."
        ),
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(
        _("gender identity"), max_length=30, choices=Gender.choices, default=Gender.UNKNOWN
    )
    gender_self_described = models.CharField(
        _("gender in the child's words"), max_length=100, blank=True
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    age_status = models.CharField(
        _("how the age is known"),
        max_length=12,
        choices=AgeStatus.choices,
        default=AgeStatus.UNCERTAIN,
    )
    claims_adult = models.BooleanField(_("says they are 18 or older"), default=False)
    # A claim to be a child is a reason to believe it (ID-2): it starts the presumption of
    # minority. Both claims may be ticked: a person may have said one, then the other.
    claims_child = models.BooleanField(_("says they are under 18"), default=False)
    minority_indicators = models.BooleanField(
        _("there are signs the person may be under 18"),
        default=False,
        help_text=_("Appearance, behaviour, documents, statements by others, school history."),
    )
    parental_care = models.CharField(
        _("parental care"),
        max_length=24,
        choices=ParentalCare.choices,
        default=ParentalCare.UNKNOWN,
    )
    # Whether the presumption of minority has applied to this person (ID-2). Set by the
    # services whenever it applies; only a completed age assessment clears it.
    presumed_minor = models.BooleanField(default=False, editable=False)
    has_disability = models.BooleanField(_("has a disability"), default=False)
    special_needs = EncryptedTextField(
        _("disability and special needs"), sensitivity=Sensitivity.HEALTH
    )
    # The words of the romanised, phonetic keys of every name the child is known by (the names,
    # the other names, the names of records merged into this one; haven.core.names.search_key),
    # so that My cases finds "Aung Kyaw" written အောင်ကျော် (ID-7). Kept by every write of a name
    # (haven.children.services.keep_name_key); it tells no more than the names, which are plain
    # columns too, and is erased with them (DP-8).
    name_key = models.CharField(max_length=1000, blank=True, db_index=True, editable=False)
    # Two records found to be one child (RR-6): this record's cases moved to the record it was
    # merged into. It stays, unsearched, so the merge can be undone (haven.cases.merging).
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        indexes = [models.Index(fields=["family_name", "given_name"], name="child_name_idx")]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        errors = {}
        self.given_name = without_bidi_controls(self.given_name).strip()
        self.family_name = without_bidi_controls(self.family_name).strip()
        if not has_visible_letters(self.given_name):
            errors["given_name"] = _("Write the name with letters the child would recognise.")
        if self.family_name and not has_visible_letters(self.family_name):
            errors["family_name"] = _("Write the name with letters the child would recognise.")
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The birth date cannot be in the future.")
        if self.birth_date and self.birth_date.year < EARLIEST_BIRTH_YEAR:
            errors["birth_date"] = _("Check the birth date: the year is too long ago.")
        if self.age_status == AgeStatus.KNOWN and not self.birth_date:
            errors["birth_date"] = _("A known age needs the documented birth date.")
        if self.gender == Gender.SELF_DESCRIBED and not self.gender_self_described.strip():
            errors["gender_self_described"] = _("Write the gender in the child's own words.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        parts = (self.given_name, self.family_name)
        if self.family_name_first:
            parts = (self.family_name, self.given_name)
        return " ".join(part for part in parts if part)

    @property
    def completed_age_assessment(self) -> "AgeAssessment | None":
        done = [a for a in self.age_assessments.all() if a.status == AgeAssessment.Status.COMPLETED]
        return max(done, key=lambda a: a.completed_at or a.created_at) if done else None

    @property
    def presumption(self):  # type: ignore[no-untyped-def]
        from haven.children.age import presumption_of_minority

        return presumption_of_minority(self, self.completed_age_assessment)

    @property
    def is_presumed_child(self) -> bool:
        return self.presumption.is_child


class ChildNationality(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="nationalities")
    country = models.CharField(_("nationality"), max_length=2, validators=[validate_country])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "country"], name="child_nationality_unique")
        ]

    def __str__(self) -> str:
        return self.country


class ChildLanguage(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=3, validators=[validate_language])
    is_preferred = models.BooleanField(_("preferred"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "language"], name="child_language_unique")
        ]

    def __str__(self) -> str:
        return self.language


class ChildAlias(models.Model):
    """Other names the child is known by: nicknames, names given by exploiters, misspellings."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("other name"), max_length=250)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "name"], name="child_alias_unique")]

    def __str__(self) -> str:
        return self.name


class ChildNameKey(models.Model):
    """One comparison key of the names a child is known by (haven.core.names.comparison_keys):
    a name romanised and folded phonetically, "siripon sanktong" for ศิริพร แสงทอง. Kept with every
    write of a name (haven.children.services.keep_name_key). The search for a known child finds
    the closest keys in the whole register with a trigram index on PostgreSQL (migration 0008),
    then scores these keys as they are, without reading or romanising the names again (ID-7)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="comparison_keys")
    key = models.TextField()

    def __str__(self) -> str:
        return self.key


class NameWord(models.Model):
    """One word of the register's comparison keys, or two neighbouring words written as one
    (haven.core.names.word_units), once however many keys hold it: the vocabulary that the
    search for a known child looks up a name's words in before it asks which keys hold them
    (ID-7). PostgreSQL keeps it (children migration 0009): triggers on ChildNameKey add the
    words of every key written and remove those no key holds any more, so an erased or changed
    name leaves no word behind (DP-8). SQLite keeps none; its search reads every key."""

    word = models.TextField(unique=True)

    def __str__(self) -> str:
        return self.word


# The records that make up a child's identity, written together by the child services.
CHILD_MODELS = (Child, ChildNationality, ChildLanguage, ChildAlias)


class AgeAssessment(HavenModel):
    """An age assessment (ID-2). Only a completed one can end the presumption of minority."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        COMPLETED = "completed", _("Completed")

    class Result(models.TextChoices):
        CHILD = "child", _("Under 18")
        ADULT = "adult", _("18 or older")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="age_assessments")
    method = models.CharField(_("method"), max_length=200)
    evidence = EncryptedTextField(_("evidence considered"), sensitivity=Sensitivity.IDENTITY)
    decided_by = models.CharField(_("decided by"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    assessed_birth_date = models.DateField(_("assessed birth date"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("age assessment")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (
                    models.Q(status="completed")
                    & ~models.Q(result="")
                    & models.Q(completed_at__isnull=False)
                ),
                name="age_assessment_completed_has_result",
            )
        ]
