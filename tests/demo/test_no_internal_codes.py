"""No page shows an internal code. An HTCDS code ("ForcedCriminality"), a choice's stored value
("safe_accommodation") or a rule's code ("id4.first_step_overdue") means nothing to the person
reading the page: each is shown by its label. This test signs in as the demo's roles, opens their
start pages, a sample of cases and every page linked from those cases, and reads only the text a
person sees. It reads the one demo seeded for the package (tests/demo/conftest.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.db.models import Count, Q
from django.test import Client

from haven.accounts.models import User
from haven.cases.access import cases_for_user
from haven.cases.models import Case
from tests.conftest import signed_in

# One worker seeds the demo once for the package (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.xdist_group("demo"),
    pytest.mark.slow(
        reason="opens over a hundred pages of the demo, as each of its eighteen people"
    ),
]

# Code-shaped words: CamelCase (an HTCDS code), an HTCDS industry ("C_Manufacturing"),
# snake_case (a choice's value), a rule's code ("id4.first_step_overdue").
CAMEL = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")
INDUSTRY = re.compile(r"\b[A-Z]_[A-Z][A-Za-z]+\b")
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
RULE = re.compile(r"\b[a-z]{2,4}\d+\.[a-z_]+\b")
CODES = (CAMEL, INDUSTRY, SNAKE, RULE)

# Words of that shape that are real words to the reader, not codes.
ALLOWED: frozenset[str] = frozenset(
    {
        "McDonald",  # "Heard Island and McDonald Islands", in the lists of countries
    }
)

# Everyone the demo has, by username (haven.demo.data); each opens the page they start on.
PEOPLE = (
    "caseworker",
    "caseworker2",
    "supervisor",
    "cpofficer",
    "guardian",
    "police",
    "immigration",
    "safeguarding",
    "agencyadmin",
    "statistician",
    "sysadmin",
    "shelterstaff",
    "healthworker",
    "psychologist",
    "lawyer",
    "supervisor_kh",
    "caseworker_kh",
    "interpreter",
)
# Pages opened by everyone whose menu links them.
COMMON = ("/alerts/", "/alerts/inbox/", "/voice/", "/reports/statistics/", "/directory/")
# Who opens cases and every page linked from them.
CASE_READERS = ("caseworker", "supervisor")
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# A case's forms (a new record, the child's record) read alike on every case: each is opened once
# per reader. The pages that show what was recorded are opened on every case of the sample.
_FORM = re.compile(r"/(new|child|age|new-case)/$")


class _Text(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def codes_in(text: str) -> set[str]:
    return {word for code in CODES for word in code.findall(text)} - ALLOWED


def sample_cases(user: User) -> list[Case]:
    """Four of the user's cases with the most to show: the most open alerts, a coded kind of
    exploitation, a proceeding, detention, a pathway, a referral, a family."""
    mine = cases_for_user(user)
    picks = [
        mine.annotate(n=Count("alerts", filter=Q(alerts__status="open"))).order_by("-n", "pk"),
        mine.filter(screenings__forms__sub_type__gt=""),
        mine.filter(proceedings__isnull=False),
        mine.filter(placements__type="immigration_detention"),
        mine.filter(pathways__isnull=False),
        mine.filter(referrals__isnull=False),
        mine.filter(family_members__isnull=False),
    ]
    cases: list[Case] = []
    for query in picks:
        case = query.exclude(pk__in=[c.pk for c in cases]).order_by("pk").first()
        if case is not None:
            cases.append(case)
    return cases[:4]


def test_no_page_of_the_demo_shows_an_internal_code(demo: str) -> None:
    leaks: dict[str, set[str]] = {}
    opened: set[tuple[str, str]] = set()

    def read(client: Client, username: str, url: str) -> str:
        """Open `url` as `username`; note the codes it shows; return its HTML ('' if refused)."""
        response = client.get(url, follow=True)
        opened.add((username, url))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return ""
        html = response.content.decode()
        found = codes_in(visible_text(html))
        if found:
            leaks.setdefault(f"{url} (as {username})", set()).update(found)
        return html

    for username in PEOPLE:
        user = User.objects.get(username=username)
        client = signed_in(Client(), user)
        start = read(client, username, "/")
        for url in COMMON:
            if f'href="{url}"' in start:
                read(client, username, url)
        if username not in CASE_READERS:
            continue
        forms: set[str] = set()
        for case in sample_cases(user):
            page = f"/cases/{case.public_id}/"
            html = read(client, username, page)
            for link in sorted(set(re.findall(rf'href="({re.escape(page)}[^"#?]+)"', html))):
                if _FORM.search(link):
                    shape = _ID.sub("<id>", link)
                    if shape in forms:
                        continue
                    forms.add(shape)
                read(client, username, link)

    assert len(opened) >= 60, f"only {len(opened)} pages were opened"
    assert not leaks, "pages show internal codes:\n" + "\n".join(
        f"  {page}: {sorted(words)}" for page, words in sorted(leaks.items())
    )
