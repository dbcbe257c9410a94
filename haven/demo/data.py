"""Fictional data for `manage.py seed_demo`.

Every agency, staff member and child here is invented. Agency names were made up so that they do
not name a real organisation; people's names are ordinary given names joined to invented family
names, and no name belongs to a public figure. Children's names are written in their own script
with a romanisation next to them, because finding a child across agencies by name (in either
form) is one of the things the demo has to show. Summaries mention no real place.
"""

import os
from dataclasses import dataclass, replace
from random import Random
from typing import Any

from haven.accounts.models import OrganisationType
from haven.accounts.roles import Role
from haven.cases.access import is_case_worker
from haven.cases.staff import handover_request
from haven.children.models import AgeStatus, ParentalCare, Sex

DEMO_PASSWORD = "haven-demo-2026"  # noqa: S105  (published on purpose: fictional demo only)
# `make run PORT=...` passes the port on.
DEMO_URL = f"http://127.0.0.1:{os.environ.get('HAVEN_DEMO_PORT', '8000')}"

# Agency keys used below.
CPA = "cpa"  # the Thai government child-protection authority: it leads most cases
SHELTER = "shelter"  # a Thai NGO shelter: its staff are assigned to the authority's cases
KH_NGO = "kh_ngo"  # a Cambodian NGO with its own cases


@dataclass(frozen=True)
class AgencySpec:
    key: str
    name: str
    organisation_type: str
    country: str
    is_child_protection_authority: bool = False
    # Fictional numbers and addresses (the 000 exchange is not in use).
    phone: str = ""
    hotline: str = ""
    address: str = ""


AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(
        CPA,
        "Lotus Path Child Protection Office",
        OrganisationType.GOVERNMENT,
        "TH",
        True,
        phone="+66 2 000 0101",
        hotline="+66 2 000 0199",
        address="12 Fictional Lotus Road, Lotus Path District",
    ),
    AgencySpec(
        SHELTER,
        "Banyan Courtyard Children's Shelter",
        OrganisationType.NGO,
        "TH",
        phone="+66 2 000 0202",
    ),
    AgencySpec(
        KH_NGO,
        "Silver Lantern Children's Association",
        OrganisationType.NGO,
        "KH",
        phone="+855 23 000 303",
        hotline="+855 23 000 399",
    ),
)


@dataclass(frozen=True)
class StaffSpec:
    username: str
    role: str
    agency: str
    first_name: str
    last_name: str
    supervised: bool = False  # Membership.supervisor is set to the demo supervisor


# One account per role (every Role appears), plus a second case worker in the authority and a
# supervisor and case worker in the Cambodian NGO. The supervisor comes before the people it
# supervises. The police and immigration officers sit in the authority's multidisciplinary team,
# so the children they identify open cases there and are handed to a case worker (ID-4).
STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("supervisor", Role.SUPERVISOR, CPA, "Orawan", "Sukjaroen"),
    StaffSpec("caseworker", Role.CASE_WORKER, CPA, "Kanya", "Saengdao", supervised=True),
    StaffSpec("caseworker2", Role.CASE_WORKER, CPA, "Thanakorn", "Ruangsri", supervised=True),
    StaffSpec("cpofficer", Role.CHILD_PROTECTION_OFFICER, CPA, "Pichit", "Boonrueang"),
    StaffSpec("guardian", Role.GUARDIAN, CPA, "Ratana", "Chaiyaporn"),
    StaffSpec("police", Role.LAW_ENFORCEMENT, CPA, "Somsak", "Kaewprasert"),
    StaffSpec("immigration", Role.IMMIGRATION_OFFICER, CPA, "Jirapat", "Thongkham"),
    StaffSpec("safeguarding", Role.SAFEGUARDING_LEAD, CPA, "Malai", "Intharasuk"),
    StaffSpec("agencyadmin", Role.AGENCY_ADMIN, CPA, "Nattapong", "Siriwan"),
    StaffSpec("statistician", Role.STATISTICIAN, CPA, "Wilai", "Phromsiri"),
    StaffSpec("sysadmin", Role.SYSTEM_ADMIN, CPA, "Arthit", "Chanchai"),
    StaffSpec("shelterstaff", Role.SHELTER_STAFF, SHELTER, "Duangjai", "Phanitkul"),
    StaffSpec("healthworker", Role.HEALTH_WORKER, SHELTER, "Siriporn", "Kittikhun"),
    StaffSpec("psychologist", Role.PSYCHOLOGIST, SHELTER, "Ploy", "Anantasuk"),
    StaffSpec("lawyer", Role.LAWYER, SHELTER, "Krit", "Suwannaphum"),
    StaffSpec("supervisor_kh", Role.SUPERVISOR, KH_NGO, "Sokha", "Chea"),
    StaffSpec("caseworker_kh", Role.CASE_WORKER, KH_NGO, "Bopha", "Vann"),
    StaffSpec("interpreter", Role.INTERPRETER, KH_NGO, "Vuthy", "Heng"),
)


@dataclass(frozen=True)
class Name:
    script: str  # as the child's own language writes it
    latin: str = ""  # romanisation; empty when the script is already plain Latin letters


@dataclass(frozen=True)
class Culture:
    nationalities: tuple[str, ...]  # ISO 3166-1 alpha-2
    languages: tuple[str, ...]  # ISO 639, preferred first
    family_first: bool = False  # Khmer and Vietnamese names are written family name first


CULTURES: dict[str, Culture] = {
    "thai": Culture(("TH",), ("th",)),
    "burmese": Culture(("MM",), ("my",)),
    "khmer": Culture(("KH",), ("km",), family_first=True),
    "lao": Culture(("LA",), ("lo",)),
    "vietnamese": Culture(("VN",), ("vi",), family_first=True),
    "indonesian": Culture(("ID",), ("id",)),
    "malay": Culture(("MY",), ("ms",)),
    "filipino": Culture(("PH",), ("tl",)),
}


@dataclass(frozen=True)
class ChildSpec:
    culture: str
    given: Name
    family: Name | None  # None: the culture does not use family names (Burmese)
    sex: str
    age: int | None  # whole years today; None when nobody knows
    age_status: str
    agency: str
    summary: str
    parental_care: str = ParentalCare.UNKNOWN
    nationalities: tuple[str, ...] | None = None  # None: the culture's; () : none recorded
    languages: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    has_disability: bool = False
    special_needs: str = ""
    claims_adult: bool = False
    minority_indicators: bool = False

    @property
    def name_romanised(self) -> str:
        given = self.given.latin
        family = self.family.latin if self.family else ""
        if not given and not family:
            return ""  # already in Latin letters
        parts = [family, given] if CULTURES[self.culture].family_first else [given, family]
        return " ".join(p for p in parts if p)


F, M = Sex.FEMALE, Sex.MALE
KNOWN, ESTIMATED = AgeStatus.KNOWN, AgeStatus.ESTIMATED
UNCERTAIN, DISPUTED = AgeStatus.UNCERTAIN, AgeStatus.DISPUTED
PC = ParentalCare

# One child per entry: culture, name in the child's script (given, family), sex, age in years
# (None: unknown), how the age is known, lead agency, summary, parental care, then extras.
# fmt: off
CHILDREN: tuple[ChildSpec, ...] = (
    # Thai
    ChildSpec(
        "thai", Name("มะลิ", "Mali"), Name("ศรีสุขใจ", "Srisukjai"), F, 14, KNOWN, CPA,
        "Referred by a teacher after she stopped coming to school; an online contact had "
        "promised her a modelling job.",
        PC.WITH_PARENTS, aliases=("Lek",),
    ),
    ChildSpec(
        "thai", Name("ณัฐ", "Nat"), Name("แสงทองดี", "Saengthongdee"), M, 16, ESTIMATED, CPA,
        "Found working nights at a seafood market; says a labour broker keeps his identity card.",
        PC.SEPARATED,
    ),
    ChildSpec(
        "thai", Name("กัลยา", "Kanlaya"), Name("บุญมาเรือง", "Boonmaruang"), F, 12, KNOWN, CPA,
        "Abused by an adult who streamed it to paying viewers; a relative is suspected of "
        "arranging it.",
        PC.PARENTAL_COMPLICITY,
    ),
    ChildSpec(
        "thai", Name("ภูมิ", "Phum"), Name("ทองคำแสน", "Thongkhamsaen"), M, 9, KNOWN, CPA,
        "Made to beg at a night market by a group of adults; brought in by an outreach worker.",
        PC.WITH_PARENTS, has_disability=True,
        special_needs="Hearing impairment: lip-reads and uses a few home signs. Needs a "
        "sign-language interpreter for interviews.",
    ),
    ChildSpec(
        "thai", Name("ดาว", "Dao"), Name("รุ่งอรุณศรี", "Rungarunsri"), F, 19, DISPUTED, CPA,
        "Found in a karaoke bar during a labour inspection; carries an identity card saying she "
        "is 19, but looks much younger.",
        PC.UNKNOWN, aliases=("Nong Dao",), claims_adult=True, minority_indicators=True,
    ),
    # Burmese (no family names)
    ChildSpec(
        "burmese", Name("မြတ်နိုး", "Myat Noe"), None, F, 15, ESTIMATED, CPA,
        "Recruited for restaurant work across the border; her documents were taken and she was "
        "made to work as a maid in a private home.",
        PC.UNACCOMPANIED, languages=("my", "th"),
    ),
    ChildSpec(
        "burmese", Name("ကျော်ကျော်", "Kyaw Kyaw"), None, M, 13, ESTIMATED, CPA,
        "Taken off a fishing boat after a labour inspection; worked without pay for months.",
        PC.SEPARATED,
    ),
    ChildSpec(
        "burmese", Name("ဇော်ဝင်း", "Zaw Win"), None, M, None, UNCERTAIN, CPA,
        "Found on a building site; says he is 18 but has no papers, and workers say he came as "
        "a small boy.",
        PC.UNACCOMPANIED, claims_adult=True, minority_indicators=True,
    ),
    ChildSpec(
        "burmese", Name("နှင်းဝေ", "Hnin Wai"), None, F, 11, ESTIMATED, CPA,
        "Brought across the border by an aunt and made to sell flowers late at night.",
        PC.PARENTAL_COMPLICITY, aliases=("Nu Nu",),
    ),
    ChildSpec(
        "burmese", Name("စိုင်းလင်း", "Sai Lin"), None, M, 16, ESTIMATED, CPA,
        "Stateless boy found on a fruit farm; the owner kept his wages for a transport 'debt'.",
        PC.UNACCOMPANIED, nationalities=(), languages=("shn", "my", "th"),
    ),
    # Khmer (family name first)
    ChildSpec(
        "khmer", Name("ដារ៉ា", "Dara"), Name("សុខ", "Sok"), M, 14, ESTIMATED, CPA,
        "Stopped at a border checkpoint travelling with an unrelated adult and no documents.",
        PC.SEPARATED, languages=("km", "th"),
    ),
    ChildSpec(
        "khmer", Name("ស្រីពៅ", "Srey Pov"), Name("ចាន់", "Chan"), F, 10, ESTIMATED, CPA,
        "Made to sell sweets to tourists by a man she calls 'uncle'.",
        PC.UNACCOMPANIED, aliases=("Pov",),
    ),
    ChildSpec(
        "khmer", Name("ពិសិដ្ឋ", "Piseth"), Name("កែវ", "Keo"), M, 17, KNOWN, CPA,
        "Recruited with friends for a fishing crew; made to work long shifts and beaten when ill.",
        PC.WITH_PARENTS,
    ),
    ChildSpec(
        "khmer", Name("ធីតា", "Thida"), Name("ហេង", "Heng"), F, 13, KNOWN, KH_NGO,
        "Promised a job in a beauty salon abroad; stopped by an NGO outreach team before she "
        "crossed the border.",
        PC.WITH_PARENTS, has_disability=True,
        special_needs="Uses a wheelchair since an untreated leg injury; needs step-free access.",
    ),
    ChildSpec(
        "khmer", Name("វណ្ណា", "Vanna"), Name("លី", "Ly"), M, 8, ESTIMATED, KH_NGO,
        "Orphan sent to beg by a neighbour who took everything he was given.",
        PC.NO_PARENTS,
    ),
    ChildSpec(
        "khmer", Name("សុភា", "Sophea"), Name("ឈឹម", "Chhim"), F, 16, ESTIMATED, KH_NGO,
        "Her parents agreed to a marriage abroad in exchange for money; she ran away to a "
        "drop-in centre.",
        PC.PARENTAL_COMPLICITY,
    ),
    # Lao
    ChildSpec(
        "lao", Name("ມາລີ", "Mali"), Name("ພົມມະຈັນ", "Phommachanh"), F, 15, ESTIMATED, CPA,
        "Found in a garment workshop where the workers were locked in at night.",
        PC.SEPARATED, languages=("lo", "th"),
    ),
    ChildSpec(
        "lao", Name("ສົມພອນ", "Somphone"), Name("ວົງສາ", "Vongsa"), M, 12, ESTIMATED, CPA,
        "Worked on a sugar-cane farm to pay off his family's debt to a broker.",
        PC.UNACCOMPANIED,
    ),
    ChildSpec(
        "lao", Name("ດາວເຮືອງ", "Daoheuang"), Name("ແກ້ວມະນີ", "Keomany"), F, None, UNCERTAIN,
        CPA,
        "Found when a massage parlour was inspected; says she is 20, but a school report card "
        "in her bag suggests about 16.",
        PC.UNACCOMPANIED, claims_adult=True, minority_indicators=True,
    ),
    ChildSpec(
        "lao", Name("ບຸນມີ", "Bounmy"), Name("ຈັນທະວົງ", "Chanthavong"), M, 7, KNOWN, CPA,
        "Taken by a family acquaintance and made to carry goods; his parents had reported him "
        "missing.",
        PC.SEPARATED,
    ),
    # Vietnamese (Latin script with tone marks; the romanisation drops them; family name first)
    ChildSpec(
        "vietnamese", Name("Thị Lan", "Thi Lan"), Name("Nguyễn", "Nguyen"), F, 16, KNOWN, CPA,
        "Came with a group promised factory work; found in an entertainment venue whose owner "
        "held her passport.",
        PC.SEPARATED, languages=("vi", "km"),
    ),
    ChildSpec(
        "vietnamese", Name("Văn Minh", "Van Minh"), Name("Trần", "Tran"), M, 15, ESTIMATED,
        KH_NGO,
        "Found working at a brick kiln; paid only in food.",
        PC.UNACCOMPANIED,
    ),
    ChildSpec(
        "vietnamese", Name("Ngọc Ánh", "Ngoc Anh"), Name("Phạm", "Pham"), F, 14, KNOWN, KH_NGO,
        "A man she met through a game offered money for photos, then threatened to publish them.",
        PC.WITH_PARENTS, aliases=("Bé Ánh",),
    ),
    ChildSpec(
        "vietnamese", Name("Đức Anh", "Duc Anh"), Name("Lê", "Le"), M, 11, ESTIMATED, KH_NGO,
        "Found selling lottery tickets for a gang that housed and fed a dozen children.",
        PC.NO_PARENTS, has_disability=True,
        special_needs="Learning disability: needs short, simple explanations and extra time.",
    ),
    # Indonesian and Malay
    ChildSpec(
        "indonesian", Name("Rizky"), Name("Pratama"), M, 17, KNOWN, CPA,
        "Recruited as a deckhand by a manning agent; kept at sea for a year without pay.",
        PC.WITH_PARENTS, languages=("id", "ms"),
    ),
    ChildSpec(
        "indonesian", Name("Siti"), Name("Rahmawati"), F, 15, ESTIMATED, CPA,
        "Recruited as a domestic worker with a passport that gave her age as 21.",
        PC.SEPARATED,
    ),
    ChildSpec(
        "malay", Name("Nurul Ain"), Name("binti Ahmad"), F, 13, KNOWN, CPA,
        "Groomed online by an adult posing as a teenager and persuaded to travel to meet him.",
        PC.WITH_PARENTS,
    ),
    # Filipino
    ChildSpec(
        "filipino", Name("Angelica"), Name("Reyes"), F, 16, KNOWN, CPA,
        "Recruited for a call-centre job; forced to run online romance scams under threat.",
        PC.SEPARATED, languages=("tl", "en"),
    ),
    ChildSpec(
        "filipino", Name("Jerome"), Name("Villanueva"), M, 14, ESTIMATED, CPA,
        "Found on an offshore fishing platform where he had worked since he was twelve.",
        PC.UNACCOMPANIED, aliases=("Jom",),
    ),
    ChildSpec(
        "filipino", Name("Kristine"), Name("Mendoza"), F, 6, ESTIMATED, CPA,
        "Found with an unrelated adult who used her to beg; no relatives traced yet.",
        PC.UNKNOWN,
    ),
)
# fmt: on

# Interpreters named in interview records (free text, not accounts), by the child's language.
INTERPRETER_NAMES: dict[str, str] = {
    "my": "Nilar Thein",
    "shn": "Sai Hseng",
    "lo": "Khamphet Inthavong",
    "id": "Ayu Lestyani",
    "ms": "Ayu Lestyani",
    "tl": "Joy Manabat",
}

INTERVIEW_LOCATIONS: tuple[str, ...] = (
    "Child-friendly interview room at the agency",
    "Counselling room at the shelter",
    "Hospital examination room",
    "Video-recorded interview suite",
)

HANDOVER_NOTES: tuple[str, ...] = (
    "Handing over because of caseload. The child trusts the shelter caregiver and prefers "
    "afternoon meetings; everything they have said is in the interview records, so please do "
    "not ask again.",
    "Handing over: I am moving to the intake team. Family tracing has started; the child is "
    "anxious about court and wants to be told of each step in advance.",
    "Handing over after the child asked for a worker who speaks their language better. Health "
    "needs are settled; school enrolment is the next step.",
    "Handing over for continuity: the new worker already knows the family from a previous case. "
    "Read the best-interests notes before the first meeting.",
)

# A case worker's request to hand one of their cases over (CC-9), left open for the supervisor
# to answer from "Cases to hand over".
HANDOVER_REQUEST = {
    "reason": "too_many_cases",
    "note": "Fictional: six new cases came to me this month; she needs someone who can visit "
    "every week.",
}


def ask_for_handover(seeder: Any) -> None:
    """Called once by seed_demo's Seeder.run, after the assignments are settled: the case worker
    of the first open case that still has one asks, through the service, for it to be handed
    over (CC-9)."""
    for dc in seeder.cases:
        worker = dc.case_worker
        if dc.is_open and worker is not None and is_case_worker(worker, dc.case):
            handover_request(case=dc.case, actor=worker, **HANDOVER_REQUEST)
            return


CASE_NOTES: tuple[str, ...] = (
    "Visited the child at the shelter. Sleeping better; asked about going back to school.",
    "Phoned the family through the partner agency; the mother wants to visit next month.",
    "The child is worried about meeting the accused in court. Explained the screen and the "
    "support person; will repeat this before the hearing.",
    "Attended the health check with the child. No urgent needs; follow-up in four weeks.",
    "The child drew a picture of home and talked about a younger sister. No new disclosures.",
    "School place confirmed for next term; uniform and books arranged.",
    "The child asked who can read their file. Explained in simple words and gave the "
    "information sheet in their language.",
)

CLOSING_REASONS: tuple[str, ...] = (
    "Reintegration complete: the child lives with family, attends school and follow-up "
    "visits found no concerns.",
    "The child turned 18 and moved to adult support services, with a transition plan agreed.",
)
EARLY_CLOSING_REASON = (
    "Screening showed the child was not trafficked; referred to the local social-welfare "
    "office for family support."
)
CAME_BACK = (
    "Fictional: came back a year after her case closed, asking for help to leave a job at a "
    "fish-processing plant where her wages are kept back."
)
REGISTERED_TWICE = "Fictional: brought in by the night outreach team."
SAME = (
    "Fictional: the same mother named in both records, the same village, and the boy says he "
    "was here last year; the outreach team spelled his name differently."
)


def respelled(name: str) -> str:
    """The same name as another team might write it in Latin letters."""
    swaps = (("ee", "i"), ("ou", "u"), ("ai", "ay"), ("a", "ah"))
    for old, new in swaps:
        if old in name:
            return name.replace(old, new, 1)
    return name + "h"


REOPENING_REASON = (
    "The child was contacted again by the same recruiter; reopened to put protection back in place."
)


def child_specs(count: int, rng: Random) -> list[ChildSpec]:
    """`count` children: the curated ones first, then new combinations of the same names (same
    culture and sex) so that a larger demo still looks plausible. Repeated names are realistic
    and exercise the duplicate search."""
    specs = list(CHILDREN[:count])
    while len(specs) < count:
        template = CHILDREN[len(specs) % len(CHILDREN)]
        same_culture = [c for c in CHILDREN if c.culture == template.culture]
        given = rng.choice([c.given for c in same_culture if c.sex == template.sex])
        families = [c.family for c in same_culture]
        age = rng.randint(6, 17)
        specs.append(
            replace(
                template,
                given=given,
                family=rng.choice(families),
                age=age,
                age_status=rng.choice((KNOWN, ESTIMATED)),
                aliases=(),
                claims_adult=False,
                minority_indicators=False,
                # A summary written about a child of the same sex, whose age is not in doubt.
                summary=rng.choice(
                    [c.summary for c in CHILDREN if c.sex == template.sex and not c.claims_adult]
                ),
            )
        )
    return specs


# Guardians from outside Haven: relatives and volunteer guardians appointed by the authorities.
EXTERNAL_GUARDIANS: tuple[tuple[str, str], ...] = (
    ("Wanida Rattanakul", "Volunteer guardian network (fictional)"),
    ("Preecha Somboon", "Provincial guardianship office (fictional)"),
    ("Channary Pich", "Volunteer guardian network (fictional)"),
)
GUARDIAN_AUTHORITY = "Provincial juvenile and family court (fictional)"
INFORMATION_QUESTIONS = (
    "Asked whether her mother will be told where she is, and whether she can keep her phone.",
    "Asked how long he will stay at the shelter and if he can send money home.",
    "Asked what happens if she does not want to talk to the police. Told it is her choice and "
    "help continues either way.",
)
NEEDS = {
    "physical": "Needs a dental check and glasses.",
    "psychological": "Nightmares and trouble sleeping since rescue.",
    "social": "Family not yet traced; misses her brother.",
    "legal": "Needs identity documents and legal advice about the case.",
    "educational": "Two years of school missed.",
    "economic": "Family in debt to the recruiter.",
}
STRENGTHS = {
    "psychological": "Hopeful, talks openly with the shelter caregiver.",
    "social": "Close friendship with a peer at the shelter.",
    "educational": "Reads and writes well; wants to become a nurse.",
}
PLACEMENT_VIEWS = (
    "Wants to stay at the shelter until her family is found; likes her room-mate.",
    "Wants to go home to his grandmother as soon as it is safe.",
    "Does not want to go back to the village where the recruiter lives.",
)
