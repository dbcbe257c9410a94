"""Is this child already known? Name matching across scripts and spellings.

A child met in a shelter in Thailand may already be on record in Cambodia, Laos or Myanmar, under
a name written in another script, romanised by somebody else, in another order, or with a typo.
This module turns every name a person is known by into *comparison keys* (plain lower-case ASCII)
and scores two people's keys against each other. It is pure Python and imports no Django models,
so it can be used from services, management commands and tests alike.

How a name becomes keys (``name_keys``):

1. Each word is romanised by its script. ``anyascii`` handles Latin letters with diacritics
   (Vietnamese "Nguyễn" -> "Nguyen") and every script without rules of its own. It reads
   abugidas letter by letter, though (Burmese "ကျော်" comes out as "kyea", Lao "ພອນ" as "phn",
   Thai "ศิริพร" as "siriphr"), so Thai, Lao, Khmer and Burmese are read by the small rule
   tables below, in the popular romanisation of names rather than a scholarly system; Khmer
   also through anyascii. Each reading becomes a key; the best pair of keys wins. (pythainlp's
   Royal Institute engine was measured as a second Thai reading: it changed no result on the
   test set and costs 67 MB, so it is not used.)
2. Lower-case, diacritics and punctuation gone, spaces collapsed; Filipino "dela Cruz"/"De La
   Cruz" are joined into one word, "Ma." becomes "Maria".
3. A light phonetic normalisation (``_phonetic``) folds the spelling variation met in the
   region onto one form: aspirates (ph/p, th/t, kh/k, Burmese ht/t, hs/s, hn/n), French-based
   Lao and Khmer spellings (ou/u, x/s, v/w, ea/a, final -e), Thai long vowels (oo/u, ee/i),
   old Indonesian spelling (dj/j, tj/c, oe/u, j/y), ch/j/c, final r and l in Thai romanisations,
   y/i, double letters, and name-level equivalences (Muhammad/Mohd/Muhd, Nur/Noor/Nor).
   No library does this: phonetic algorithms (Soundex, Metaphone, NYSIIS, the Beider-Morse
   phonetic matching) are built for English or European names and fold the wrong things
   (Soundex keeps only the first letter and three consonants, so Somchai and Sangchai collide,
   and none of them knows that "Phonesavanh" and "Ponsavan" are one Lao name).
4. Keys are made from each name, from the given and family names together and from a
   nickname in place of the given name; each key also comes without spaces, for storage and
   trigram search ("Mary Joy"/"Maryjoy").

How two people are compared (``similarity``): for every pair of keys, the words of the shorter
name are aligned with the words of the longer one in any order (so family-name-first and
given-name-first agree), adjacent words may be joined to line up "Kyaw Kyaw" with "Kyawkyaw",
and each word pair is scored with rapidfuzz (Indel ratio blended with Jaro-Winkler, with some
credit when only the vowels differ, as they do between romanisations of abugidas, or only
t/d, k/g/c, p/b, s/z, and a cost when the first sound differs). The score of a name is the mean
of its word scores, pulled down by its weakest word, so that one different given name is not
outvoted by a shared family name; a missing middle name costs a little, a missing first or last
name more. Particles and titles that come and go between records (Vietnamese Thị/Văn, Malay
bin/binti, Burmese Ma/Maung at the start) may be left out, unless both names have them and
they differ (Thị is not Văn). The score of two people is the best over their keys.

The threshold and the weights were chosen on tests/identification/name_pairs.csv (fictional
names in seven languages of the region); tests/identification/test_name_matching.py reports the
recall and precision there. It finds candidates for a person to look at, never decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import permutations
from typing import Any

from anyascii import anyascii
from rapidfuzz.distance import Indel, JaroWinkler

__all__ = [
    "MATCH_THRESHOLD",
    "SEARCH_KEY_MAX",
    "SKELETON_MIN_LENGTH",
    "WHOLE",
    "WORD_FLOOR",
    "comparison_keys",
    "keys_similarity",
    "match_candidates",
    "name_keys",
    "search_key",
    "similarity",
    "word_anchors",
    "word_deletions",
    "word_keys",
    "word_shapes",
    "word_similarity",
    "word_units",
]

#: Two people whose best key pair scores at least this are shown as possibly the same child.
MATCH_THRESHOLD = 0.89

# --- scripts --------------------------------------------------------------------------------

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LAO = re.compile(r"[\u0e80-\u0eff]")
_KHMER = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
_MYANMAR = re.compile(r"[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]")

# Titles written in front of (or glued to) a name in Thai and Lao records.
_THAI_TITLES = re.compile(r"^(?:เด็กชาย|เด็กหญิง|ด\.ช\.|ด\.ญ\.|นางสาว|น\.ส\.|นาย|นาง)\s*")
_LAO_TITLES = re.compile(r"^(?:ທ້າວ|ນາງສາວ|ນາງ|ທ່ານ)\s+")


class _TaiScript:
    """Thai and Lao share one structure: vowels written before, above, below and after the
    consonant, finals read differently from initials, a silent leading h that only sets the
    tone. One set of rules reads both; only the tables differ."""

    def __init__(
        self,
        initials: dict[str, str],
        finals: dict[str, str],
        vowels: dict[str, str],
        preposed: str,
        patterns: list[tuple[str, str]],
        silent: str,
        lead_h: str,
        sonorants: str,
        clusters: str,
    ) -> None:
        self.initials, self.finals, self.vowels = initials, finals, vowels
        self.lead_h, self.sonorants = lead_h, sonorants
        self.clusters = set(clusters.split())
        consonants = "".join(initials)
        # a vowel written before a consonant cluster: เพลง, ประ (but แก้ว is kaeo, not kwae)
        cluster = "".join(f"{c}|" for c in self.clusters if not c.endswith("ว"))
        onset = f"(?:{lead_h}[{sonorants}]|{cluster}[{consonants}])"
        self.silent = re.compile(silent)
        # composite and preposed vowels, rewritten as Latin vowels after their onset
        self.patterns = [
            (re.compile(p.replace("C", f"({onset})")), (r"\1" + v) if "C" in p else v)
            for p, v in patterns
        ] + [(re.compile(f"([{preposed}])({onset})"), "")]

    def _place_preposed(self, match: re.Match[str]) -> str:
        return match.group(2) + self.vowels[match.group(1)]

    def romanise(self, word: str) -> str:
        word = self.silent.sub("", word)
        for pattern, replacement in self.patterns[:-1]:
            word = pattern.sub(replacement, word)
        word = self.patterns[-1][0].sub(self._place_preposed, word)
        word = "".join(self.vowels.get(ch, ch) for ch in word)
        out: list[str] = []
        n = len(word)
        open_syllable = False  # the last letter written was a vowel: a consonant may close it
        for i, ch in enumerate(word):
            if ch not in self.initials:
                out.append(ch if ch.isascii() else anyascii(ch))
                open_syllable = ch.isascii() and ch.isalpha()
                continue
            nxt = word[i + 1] if i + 1 < n else ""
            after = word[i + 2] if i + 2 < n else ""
            nxt_vowel, after_vowel = nxt.isascii() and nxt != "", after.isascii() and after != ""
            if ch == self.lead_h and nxt in self.sonorants and after_vowel:
                continue  # silent: it only sets the tone of the next consonant
            if nxt_vowel:
                out.append(self.initials[ch])  # onset of a written vowel
                open_syllable = False
            elif open_syllable and (not nxt or after):
                out.append(self.finals.get(ch, self.initials[ch]))  # closes the syllable
                open_syllable = False
            elif not nxt:
                out.append(self.initials[ch] + ("o" if out else "a"))
            elif ch + nxt in self.clusters and after:
                out.append(self.initials[ch])  # cluster: pr, kl, kw ...
                open_syllable = False
            else:
                # no vowel written: o in a closed syllable, a in an open one
                out.append(self.initials[ch] + ("a" if after_vowel else "o"))
                open_syllable = True
        return "".join(out)


_THAI_SCRIPT = _TaiScript(
    initials={
        "ก": "k", "ข": "kh", "ฃ": "kh", "ค": "kh", "ฅ": "kh", "ฆ": "kh", "ง": "ng", "จ": "ch",
        "ฉ": "ch", "ช": "ch", "ซ": "s", "ฌ": "ch", "ญ": "y", "ฎ": "d", "ฏ": "t", "ฐ": "th",
        "ฑ": "th", "ฒ": "th", "ณ": "n", "ด": "d", "ต": "t", "ถ": "th", "ท": "th", "ธ": "th",
        "น": "n", "บ": "b", "ป": "p", "ผ": "ph", "ฝ": "f", "พ": "ph", "ฟ": "f", "ภ": "ph",
        "ม": "m", "ย": "y", "ร": "r", "ล": "l", "ว": "w", "ศ": "s", "ษ": "s", "ส": "s",
        "ห": "h", "ฬ": "l", "อ": "", "ฮ": "h",
    },
    finals={
        "ข": "k", "ค": "k", "ฆ": "k", "จ": "t", "ช": "t", "ซ": "t", "ญ": "n", "ฎ": "t",
        "ฏ": "t", "ฐ": "t", "ฑ": "t", "ฒ": "t", "ด": "t", "ถ": "t", "ท": "t", "ธ": "t",
        "บ": "p", "พ": "p", "ฟ": "p", "ภ": "p", "ย": "i", "ร": "n", "ล": "n", "ว": "o",
        "ศ": "t", "ษ": "t", "ส": "t", "ฬ": "n",
    },
    vowels={
        "ะ": "a", "ั": "a", "า": "a", "ำ": "am", "ิ": "i", "ี": "i", "ึ": "ue", "ื": "ue",
        "ุ": "u", "ู": "u", "เ": "e", "แ": "ae", "โ": "o", "ใ": "ai", "ไ": "ai", "็": "",
        "ๅ": "", "ฤ": "rue", "ๆ": "",
    },
    preposed="เแโใไ",
    patterns=[
        ("รหม", "รม"), ("เCียว", "iao"), ("เCือ", "uea"), ("เCีย", "ia"), ("เCาะ", "o"),
        ("เCา", "ao"), ("เCอ", "oe"), ("เCิ", "oe"), ("เCะ", "e"), ("แCะ", "ae"),
        ("โCะ", "o"), ("Cัว", "ua"), ("Cรร(?=[ก-ฮ])", "a"), ("Cรร", "an"),
        ("(?<![เแโใไ])Cว(?=[ก-ฮ])", "ua"), ("Cอ(?![ะาิีึืุู])", "o"),
    ],
    # tone marks; letters under the killer ์ (and the tr of -ntr-: จันทร์)
    silent=r"[\u0e48-\u0e4b]|(?:[ทต]ร|[ก-ฮ][ิุ]?)\u0e4c",
    lead_h="ห",
    sonorants="งญนมยรลว",
    clusters="กร กล กว ขร ขล ขว คร คล คว ปร ปล พร พล ผล ตร บร บล ดร ทร ศร สร",
)  # fmt: skip

_LAO_SCRIPT = _TaiScript(
    initials={
        "ກ": "k", "ຂ": "kh", "ຄ": "kh", "ງ": "ng", "ຈ": "ch", "ສ": "s", "ຊ": "x", "ຍ": "y",
        "ດ": "d", "ຕ": "t", "ຖ": "th", "ທ": "th", "ນ": "n", "ບ": "b", "ປ": "p", "ຜ": "ph",
        "ຝ": "f", "ພ": "ph", "ຟ": "f", "ມ": "m", "ຢ": "y", "ຣ": "r", "ລ": "l", "ວ": "v",
        "ຫ": "h", "ອ": "", "ຮ": "h", "ໜ": "n", "ໝ": "m",
    },
    finals={"ດ": "t", "ບ": "p", "ວ": "o", "ຍ": "y"},
    vowels={
        "ະ": "a", "ັ": "a", "າ": "a", "ຳ": "am", "ິ": "i", "ີ": "i", "ຶ": "eu", "ື": "eu",
        "ຸ": "ou", "ູ": "ou", "ົ": "o", "ຽ": "ia", "ເ": "e", "ແ": "ae", "ໂ": "o", "ໃ": "ai",
        "ໄ": "ai", "ໍ": "o", "ຼ": "l", "ໆ": "",
    },
    preposed="ເແໂໃໄ",
    patterns=[
        ("ເCືອ", "uea"), ("ເCຍ", "ia"), ("ເCົາ", "ao"), ("ເCາະ", "o"), ("ເCີ", "eu"),
        ("ເCະ", "e"), ("ແCະ", "ae"), ("ໂCະ", "o"), ("Cົວ", "ua"), ("(?<![ເແໂໃໄ])Cວ(?=[ກ-ຮ])", "ua"),
        ("Cອ(?![ະາິີຶືຸູ])", "o"),
    ],
    silent=r"[\u0ec8-\u0ecb]|[ກ-ຮ]\u0ecc",
    lead_h="ຫ",
    sonorants="ງຍນມລວຣ",
    clusters="",
)  # fmt: skip


# Khmer ----------------------------------------------------------------------------------------

# consonant: (romanisation as initial, as final, series "a"/"o")
_KHMER_CONS = {
    "ក": ("k", "k", "a"), "ខ": ("kh", "k", "a"), "គ": ("k", "k", "o"), "ឃ": ("kh", "k", "o"),
    "ង": ("ng", "ng", "o"), "ច": ("ch", "ch", "a"), "ឆ": ("chh", "ch", "a"),
    "ជ": ("ch", "ch", "o"), "ឈ": ("chh", "ch", "o"), "ញ": ("nh", "nh", "o"),
    "ដ": ("d", "t", "a"), "ឋ": ("th", "t", "a"), "ឌ": ("d", "t", "o"), "ឍ": ("th", "t", "o"),
    "ណ": ("n", "n", "a"), "ត": ("t", "t", "a"), "ថ": ("th", "t", "a"), "ទ": ("t", "t", "o"),
    "ធ": ("th", "t", "o"), "ន": ("n", "n", "o"), "ប": ("b", "p", "a"), "ផ": ("ph", "p", "a"),
    "ព": ("p", "p", "o"), "ភ": ("ph", "p", "o"), "ម": ("m", "m", "o"), "យ": ("y", "y", "o"),
    "រ": ("r", "", "o"), "ល": ("l", "l", "o"), "វ": ("v", "v", "o"), "ស": ("s", "s", "a"),
    "ហ": ("h", "h", "a"), "ឡ": ("l", "l", "a"), "អ": ("", "", "a"),
}  # fmt: skip
# dependent vowel: (after an a-series consonant, after an o-series consonant)
_KHMER_VOWELS = {
    "ា": ("a", "ea"), "ិ": ("e", "i"), "ី": ("ei", "i"), "ឹ": ("oe", "i"), "ឺ": ("eu", "eu"),
    "ុ": ("o", "u"), "ូ": ("ou", "u"), "ួ": ("uo", "uo"), "ើ": ("aeu", "eu"),
    "ឿ": ("oea", "oea"), "ៀ": ("ie", "ie"), "េ": ("e", "e"), "ែ": ("ae", "ae"),
    "ៃ": ("ai", "ey"), "ោ": ("ao", "o"), "ៅ": ("ao", "ov"), "ំ": ("am", "um"),
    "ះ": ("ah", "eah"), "័": ("a", "a"),
}  # fmt: skip
_KHMER_INDEPENDENT = {
    "ឥ": "e", "ឦ": "ei", "ឧ": "o", "ឩ": "ou", "ឪ": "au", "ឫ": "rue", "ឬ": "rue", "ឭ": "lue",
    "ឮ": "lue", "ឯ": "ae", "ឰ": "ai", "ឱ": "ao", "ឲ": "ao", "ឳ": "au",
}  # fmt: skip
_KHMER_COENG = "\u17d2"
_KHMER_SIGNS = "\u17c9\u17ca\u17cb\u17cc\u17cd\u17ce\u17cf\u17d0\u17d1\u17d3\u17dd"


def _khmer_romanise(word: str) -> str:
    """Khmer in the popular romanisation of names: vowels read by the series of the syllable's
    first consonant, an inherent "a" where no vowel is written, finals in their final form."""
    out: list[str] = []
    series = "a"
    n = len(word)
    i = 0
    while i < n:
        ch = word[i]
        if ch in _KHMER_CONS:
            initial, final, own_series = _KHMER_CONS[ch]
            subscript = i > 0 and word[i - 1] == _KHMER_COENG
            if not subscript:
                series = own_series
            j = i + 1
            while j < n and word[j] in "\u17c9\u17ca":  # series shifters
                series = "a" if word[j] == "\u17c9" else "o"
                j += 1
            nxt = word[j] if j < n else ""
            closes = bool(out) and not subscript  # could close the syllable before it
            if nxt in _KHMER_VOWELS:
                out.append(initial)
            elif nxt == _KHMER_COENG:
                out.append(final if closes else initial)
            elif not nxt or nxt in _KHMER_SIGNS:
                out.append(final if closes else initial + ("" if subscript else "a"))
            else:
                out.append(initial + "a")
            i = j
            continue
        if ch in _KHMER_VOWELS:
            out.append(_KHMER_VOWELS[ch][0 if series == "a" else 1])
        elif ch in _KHMER_INDEPENDENT:
            out.append(_KHMER_INDEPENDENT[ch])
        elif ch != _KHMER_COENG and ch not in _KHMER_SIGNS:
            out.append(anyascii(ch))
        i += 1
    return "".join(out)


# Burmese --------------------------------------------------------------------------------------

_MY_CONS = {
    "က": "k", "ခ": "kh", "ဂ": "g", "ဃ": "g", "င": "ng", "စ": "s", "ဆ": "hs", "ဇ": "z",
    "ဈ": "z", "ဉ": "ny", "ည": "ny", "ဋ": "t", "ဌ": "ht", "ဍ": "d", "ဎ": "d", "ဏ": "n",
    "တ": "t", "ထ": "ht", "ဒ": "d", "ဓ": "d", "န": "n", "ပ": "p", "ဖ": "ph", "ဗ": "b",
    "ဘ": "b", "မ": "m", "ယ": "y", "ရ": "y", "လ": "l", "ဝ": "w", "သ": "th", "ဟ": "h",
    "ဠ": "l", "အ": "",
}  # fmt: skip
_MY_INDEPENDENT = {"ဣ": "i", "ဤ": "i", "ဥ": "u", "ဦ": "u", "ဧ": "e", "ဩ": "aw", "ဪ": "aw"}
_MY_ASAT, _MY_STACK = "\u103a", "\u1039"
_MY_MEDIALS = "\u103b\u103c\u103d\u103e"  # ya-pin, ya-yit, wa-hswe, ha-hto
_MY_VOWEL_SIGNS = "\u102b\u102c\u102d\u102e\u102f\u1030\u1031\u1032\u1036"
_MY_TONES = "\u1037\u1038"
# (vowel signs, final consonant) -> rime; final "" = open syllable
_MY_RIMES_AS_WRITTEN = {
    ("", ""): "a", ("ာ", ""): "a", ("ါ", ""): "a", ("ိ", ""): "i", ("ီ", ""): "i",
    ("ု", ""): "u", ("ူ", ""): "u", ("ေ", ""): "ay", ("ဲ", ""): "e", ("ော", ""): "aw",
    ("ေါ", ""): "aw", ("ို", ""): "o", ("ံ", ""): "an", ("ုံ", ""): "on", ("ိံ", ""): "ein",
    ("", "က"): "et", ("ော", "က"): "auk", ("ေါ", "က"): "auk", ("ို", "က"): "aik",
    ("", "င"): "in", ("ော", "င"): "aung", ("ေါ", "င"): "aung", ("ို", "င"): "aing",
    ("", "စ"): "it", ("", "ည"): "i", ("", "ဉ"): "in", ("", "ယ"): "e",
    ("", "တ"): "at", ("ိ", "တ"): "eik", ("ု", "တ"): "ok",
    ("", "န"): "an", ("ိ", "န"): "ein", ("ု", "န"): "on",
    ("", "ပ"): "at", ("ိ", "ပ"): "eik", ("ု", "ပ"): "ok",
    ("", "မ"): "an", ("ိ", "မ"): "ein", ("ု", "မ"): "on", ("", "ဏ"): "an",
}  # fmt: skip

# keyed by the vowel signs sorted by code point, as the parser sorts them
_MY_RIMES = {("".join(sorted(v)), f): r for (v, f), r in _MY_RIMES_AS_WRITTEN.items()}


def _burmese_onset(cons: str, medials: str) -> str:
    base = _MY_CONS.get(cons, "")
    if "\u103e" in medials:  # ha-hto: voiceless sonorant
        base = {"y": "sh", "ny": "hny"}.get(base, "h" + base)
    if "\u103b" in medials or "\u103c" in medials:
        base = {"kh": "ch", "g": "gy", "hs": "hsy"}.get(base, base + "y")
    if "\u103d" in medials:
        base += "w"
    return base


def _burmese_romanise(word: str) -> str:
    """Syllable by syllable, in the popular romanisation of Burmese names, with a space between
    syllables as names are usually written ("မြမြဝင်း" -> "mya mya win")."""
    syllables: list[str] = []
    i, n = 0, len(word)
    while i < n:
        ch = word[i]
        if ch in _MY_INDEPENDENT:
            onset, vowels, medials, i = "", "", "", i + 1
            rime_default = _MY_INDEPENDENT[ch]
        elif ch in _MY_CONS:
            i += 1
            medials = ""
            while i < n and word[i] in _MY_MEDIALS:
                medials += word[i]
                i += 1
            onset = _burmese_onset(ch, medials)
            rime_default = ""
            vowels = ""
        else:
            i += 1
            continue
        while i < n and word[i] in _MY_VOWEL_SIGNS:
            vowels += word[i]
            i += 1
        final = ""
        if i + 1 < n and word[i] in _MY_CONS and word[i + 1] in (_MY_ASAT, _MY_STACK):
            final = word[i]
            i += 2
        while i < n and (word[i] in _MY_TONES or word[i] == _MY_ASAT or word[i] in _MY_VOWEL_SIGNS):
            if word[i] in _MY_VOWEL_SIGNS:
                vowels += word[i]
            i += 1
        vowels = "".join(sorted(vowels))  # canonical order for the table
        if rime_default and not final:
            rime = rime_default
        elif onset.endswith("w") and final in ("န", "မ", "တ", "ပ") and not vowels:
            onset, rime = onset[:-1], ("un" if final in "နမ" else "ut")
        else:
            key = (vowels, final)
            rime = _MY_RIMES.get(key) or _MY_RIMES.get(("", final)) or _MY_RIMES[("", "")]
            if vowels == "ေ" and "\u103d" in medials:
                rime = "e"  # Shwe, Htwe, Nwe
        syllables.append(onset + rime)
    return " ".join(syllables)


def _romanisations(word: str) -> list[str]:
    """One or two romanisations of one word, the preferred first."""
    if _THAI.search(word):
        word = _THAI_TITLES.sub("", word)
        return [_THAI_SCRIPT.romanise(word)] if word else []
    if _LAO.search(word):
        return [_LAO_SCRIPT.romanise(_LAO_TITLES.sub("", word))]
    if _KHMER.search(word):
        return [_khmer_romanise(word), anyascii(word)]
    if _MYANMAR.search(word):
        return [_burmese_romanise(word)]  # anyascii's letter-by-letter Burmese is unusable
    return [anyascii(word)]


# --- normalisation ------------------------------------------------------------------------

_FILIPINO_JOIN = re.compile(r"\b(de la|de los|dela|del|delos|de|san|sta|santa) (?=\w)")
# Words that stand for each other whatever the spelling (before the phonetic folding).
_EQUIVALENT = {
    **dict.fromkeys(
        ["mohd", "muhd", "md", "mohammad", "muhammad", "mohamad", "muhamad", "mohammed",
         "muhammed", "mohamed", "muhamed"],
        "muhammad",
    ),
    **dict.fromkeys(["nor", "noor", "nur"], "nur"),
    "mg": "maung",
    **dict.fromkeys(["binti", "bte", "bt", "bint", "bti"], "binti"),
    **dict.fromkeys(["bin", "bn", "b"], "bin"),
    "abd": "abdul",
    **dict.fromkeys(["achmad", "akhmad", "ahmad"], "ahmad"),
}  # fmt: skip
# Words that may be missing from one record of a name: particles anywhere (Vietnamese Thị/Văn,
# Malay bin/binti, Jr.) and titles at the start (Burmese Ma/Maung/Ko/U/Daw, Karen Naw/Saw, Shan
# Nang/Sai, Thai and Lao titles written in Latin letters).
_PARTICLE_WORDS = ["thi", "van", "bin", "binti", "jr", "sr", "ii", "iii"]
_TITLE_WORDS = [
    "ma", "maung", "ko", "u", "daw", "naw", "saw", "nang", "nan", "sai", "mr", "mrs", "ms",
    "miss", "nai", "dekchai", "dekying", "nangsao", "thao", "sao",
]  # fmt: skip

_V = "aeiou"
_PHONETIC_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"jh", "j"),
        (r"chr", "kr"),
        (r"^h(?=[snlmt])", ""),  # Burmese Hsu/Su, Htun/Tun, Hnin/Nin
        (r"tch", "ch"),
        (r"hj", "hy"),  # old Indonesian: Wahju -> Wahyu
        (rf"(?<=[{_V}])j(?=[{_V}])", "y"),  # old Indonesian: Hidajat -> Hidayat
        (r"tj|dj|ch|j", "c"),  # Tjahjono/Cahyono, Djoko/Joko, Chanphen/Janpen
        (r"ck|c$", "k"),  # Marc/Mark
        (r"ph", "p"),
        (r"th", "t"),
        (r"kh", "k"),
        (r"gh", "g"),
        (r"bh", "b"),
        (r"dh", "d"),
        (r"x", "s"),
        (r"v", "w"),
        (r"q", "k"),
        (r"f", "p"),
        (r"oe(?=[^aeiou])", "u"),  # old Indonesian: Soeparmi -> Suparmi
        (r"oe$", "o"),  # Burmese Noe, Moe
        (r"ou|oo|uu", "u"),
        (rf"eu(?![{_V}])", "eo"),  # Khmer Khieu/Khiev
        (r"ee|ii", "i"),
        (r"ea", "a"),
        (r"ae", "e"),
        (r"aye$", "ai"),  # Burmese Aye
        (r"ay|ey|ei", "ai"),
        (rf"y(?![{_V}])", "i"),
        (rf"(?<=[{_V}])w(?![{_V}])", "o"),  # Keo/Kaew, Khieu/Khiev, Zaw
        (rf"(?<=[{_V}])r(?![{_V}y])", ""),  # Thai -porn/-phon, Burmese Mar/Ma, Thidar
        (r"l$", "n"),  # Thai final l: Tanapol/Thanaphon
        (rf"(?<=[{_V}][^{_V}])e$", ""),  # French-based Lao: Somphone/Somphon, Khine
        (r"(.)\1+", r"\1"),  # double letters
    ]
]


@lru_cache(maxsize=65536)
def _phonetic(token: str) -> str:
    """Fold one lower-case ASCII word onto its regional phonetic key. Idempotent."""
    previous = None
    while previous != token:
        previous = token
        for pattern, replacement in _PHONETIC_RULES:
            token = pattern.sub(replacement, token)
    return token


_PARTICLES = {_phonetic(w) for w in _PARTICLE_WORDS}
_TITLES = {_phonetic(w) for w in _TITLE_WORDS}


# The most words of one name that are compared (see name_keys).
MAX_WORDS = 6


def _tokens(romanised: str) -> list[str]:
    text = unicodedata.normalize("NFKD", romanised.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\bma\.\s*", "maria ", text)  # Filipino Ma. = Maria
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = _FILIPINO_JOIN.sub(lambda m: m.group(1).replace(" ", ""), text)
    return [p for p in (_phonetic(_EQUIVALENT.get(t, t)) for t in text.split()) if p]


def _optional_words(tokens: tuple[str, ...]) -> tuple[set[str], tuple[str, ...]]:
    """The particles and leading titles of a name, and the name without them."""
    dropped = {t for t in tokens if t in _PARTICLES}
    kept = tuple(t for t in tokens if t not in _PARTICLES)
    while len(kept) > 1 and kept[0] in _TITLES:
        dropped.add(kept[0])
        kept = kept[1:]
    return dropped, (kept or tokens)


def _forms(name: str) -> list[list[str]]:
    """Token lists for one name as written: one per romanisation."""
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return []
    per_word = [_romanisations(w) for w in words]
    width = max((len(r) for r in per_word), default=0)
    forms: list[list[str]] = []
    for k in range(width):
        text = " ".join(r[min(k, len(r) - 1)] for r in per_word if r)
        tokens = _tokens(text)
        if tokens and tokens not in forms:
            forms.append(tokens)
    return forms


def name_keys(*names: str) -> list[str]:
    """Comparison keys for one person, from every name they are known by.

    Pass the given name and the family name first, as the child's record holds them, then any
    other forms: the name in Latin letters, aliases, nicknames. Each may be in any script, and
    may be a whole name. The first two are read by position: pass "" for a missing family name
    rather than leaving it out. Keys come from each name on its own, from the given and family names
    together, and from each one-word alias (a nickname) put in place of the given name, as in
    "Nok Saengthong" for Siriporn Saengthong known as Nok. Keys are plain ASCII words separated
    by single spaces, so they can also be stored and searched with trigrams (pg_trgm).
    """
    per_name = [_forms(n) if n and n.strip() else [] for n in names]
    token_lists: list[list[str]] = [t for forms in per_name for t in forms]
    if len(per_name) >= 2:
        for given in per_name[0]:
            for family in per_name[1]:
                if set(given) != set(family):
                    token_lists.append(given + family)
    full = [t for t in token_lists if len(t) >= 2]
    for forms in per_name[2:]:
        for alias in forms:
            if len(alias) == 1:
                for tokens in full:
                    for given_replaced in (alias + tokens[1:], tokens[:-1] + alias):
                        token_lists.append(given_replaced)
                    for all_given_replaced in (alias + tokens[-1:], tokens[:1] + alias):
                        token_lists.append(all_given_replaced)
    keys: list[str] = []
    for tokens in token_lists:
        # Word alignment tries orderings of the words, which grows factorially: a name is cut
        # to its first MAX_WORDS words, enough for every real name in the region.
        tokens = tokens[:MAX_WORDS]
        for key in (" ".join(tokens), _phonetic("".join(tokens))):
            if key not in keys:
                keys.append(key)
    return keys


# --- scoring ------------------------------------------------------------------------------

_VOWELS_RE = re.compile(r"(?<!^)[aeiouy]")
_SOUND_ALIKE = str.maketrans("dgbzc", "tkpsk")

# Weights of the score, chosen on tests/identification/name_pairs.csv.
_JARO_WINKLER_WEIGHT = 0.25  # blended with the Indel ratio for one word against another
_SKELETON_FLOOR = 0.88  # a word pair differing only in vowels scores at least this ...
SKELETON_MIN_LENGTH = 3  # ... if it has at least this many consonants
_SOUND_ALIKE_FLOOR = 0.9  # a word pair differing only in t/d, k/g/c, p/b, s/z
_FIRST_LETTER_FACTOR = 0.9  # a word pair whose first sounds differ (Hung/Dung, Heng/Seng)
_WEAKEST_WORD_WEIGHT = 0.5  # how far the weakest word pulls the mean down
_MISSING_WORD_WEIGHT = 0.5  # a first or last word of the longer name left unmatched
_MISSING_MIDDLE_WEIGHT = 0.2  # a middle word left unmatched (Filipino middle names)


@lru_cache(maxsize=65536)
def word_shapes(word: str) -> tuple[str, str]:
    """What the scoring compares of one word besides its letters: its consonants (the vowels
    after the first letter left out) and its letters with the sound-alike ones folded (t/d,
    k/g/c, p/b, s/z). Two words with the same consonants (SKELETON_MIN_LENGTH or more) or the
    same folded letters score a floor whatever their letters."""
    return _VOWELS_RE.sub("", word), word.translate(_SOUND_ALIKE)


@lru_cache(maxsize=262144)
def word_similarity(a: str, b: str) -> float:
    """How alike two words of comparison keys are, as the scoring compares them (0 to 1)."""
    if a == b:
        return 1.0
    indel = Indel.normalized_similarity(a, b)
    score = (1 - _JARO_WINKLER_WEIGHT) * indel + _JARO_WINKLER_WEIGHT * JaroWinkler.similarity(a, b)
    (skeleton_a, folded_a), (skeleton_b, folded_b) = word_shapes(a), word_shapes(b)
    if len(skeleton_a) >= SKELETON_MIN_LENGTH and skeleton_a == skeleton_b:
        score = max(score, _SKELETON_FLOOR)  # only vowels differ, as between romanisations
    if folded_a == folded_b:
        score = max(score, _SOUND_ALIKE_FLOOR)
    if folded_a[:1] != folded_b[:1]:
        score *= _FIRST_LETTER_FACTOR
    return score


def _merges(tokens: tuple[str, ...], target: int) -> list[tuple[str, ...]]:
    """The token list with adjacent words joined, down to `target` words (at most two joins)."""
    results = [tokens]
    frontier = [tokens]
    for _ in range(min(2, len(tokens) - target)):
        nxt = []
        for t in frontier:
            for i in range(len(t) - 1):
                nxt.append((*t[:i], t[i] + t[i + 1], *t[i + 2 :]))
        results.extend(nxt)
        frontier = nxt
    return results


@lru_cache(maxsize=64)
def _alignments(m: int, n: int) -> tuple[tuple[tuple[int, ...], float], ...]:
    """Each way of matching m words to m of n (m <= n) in order, with the weight of the words
    of the n that it leaves unmatched: a first or last word weighs more than a middle one."""
    result = []
    for chosen in permutations(range(n), m):
        missing = 0.0
        for position in set(range(n)) - set(chosen):
            missing += _MISSING_MIDDLE_WEIGHT if 0 < position < n - 1 else _MISSING_WORD_WEIGHT
        result.append((chosen, missing))
    return tuple(result)


def _aligned(short: tuple[str, ...], long: tuple[str, ...]) -> float:
    best = 0.0
    m = len(short)
    # Each pair of words is compared once, not once per alignment that pairs them.
    rows = [[word_similarity(word, other) for other in long] for word in short]
    for chosen, missing in _alignments(m, len(long)):
        sims = [rows[k][chosen[k]] for k in range(m)]
        mean = sum(sims) / m
        score = mean - _WEAKEST_WORD_WEIGHT * (mean - min(sims))
        best = max(best, score * m / (m + missing))
    return best


@lru_cache(maxsize=65536)
def _key_similarity(a: str, b: str) -> float:
    ta, tb = tuple(a.split()), tuple(b.split())
    if not ta or not tb:
        return 0.0
    if a == b:
        return 1.0
    pairs = [(ta, tb)]
    # Particles and titles come and go between records (Nguyen Thi Lan / Lan Nguyen, Siti
    # Aminah binti Hassan / Siti Aminah Hassan, Ma Mya Mya Win / Mya Mya Win), but two that
    # differ (Thi and Van, Ma and Maung) tell two people apart.
    dropped_a, kept_a = _optional_words(ta)
    dropped_b, kept_b = _optional_words(tb)
    if (dropped_a or dropped_b) and not (dropped_a and dropped_b and dropped_a != dropped_b):
        pairs.append((kept_a, kept_b))
    best = 0.0
    for pa, pb in pairs:
        for x, y in ((pa, pb), (pb, pa)):
            for merged in _merges(y, len(x)):
                if len(merged) >= len(x):
                    best = max(best, _aligned(x, merged))
    return best


def _spaced(keys: Sequence[str]) -> list[str]:
    """The keys without the space-less variants of other keys: word alignment joins words where
    needed, and a long space-less string would make names alike that share only a family
    name."""
    joined = {_phonetic(k.replace(" ", "")) for k in keys if " " in k}
    return [k for k in keys if " " in k or k not in joined]


def similarity(a_keys: Sequence[str], b_keys: Sequence[str]) -> float:
    """How alike two people's names are, from 0 to 1: the best over pairs of their keys."""
    return keys_similarity(_spaced(a_keys), _spaced(b_keys))


def keys_similarity(a_keys: Sequence[str], b_keys: Sequence[str]) -> float:
    """``similarity`` of two people's comparison keys (``comparison_keys``, as stored), which
    are already without the variants that it leaves out."""
    return max((_key_similarity(a, b) for a in a_keys for b in b_keys), default=0.0)


def comparison_keys(*names: str) -> list[str]:
    """The keys of one person's names that ``similarity`` compares, to be stored: ``name_keys``
    without the space-less variants that scoring leaves out anyway, so that a person's stored
    keys score exactly as their names would. Names are passed as to ``name_keys``."""
    return _spaced(name_keys(*names))


def match_candidates(
    query_names: Sequence[str],
    candidates: Iterable[tuple[Any, Sequence[str]]],
    threshold: float = MATCH_THRESHOLD,
) -> list[tuple[Any, float]]:
    """Candidates whose names score at least `threshold` against `query_names`, best first.

    `query_names` and each candidate's names are passed as to ``name_keys`` (given name, family
    name, then other forms). Keys stored earlier can be compared with ``similarity`` instead.
    Returns (candidate id, score) pairs. Pure Python: about 0.1 ms a candidate, so narrow a
    large register first (birth year, sex, or pg_trgm on stored keys).
    """
    query_keys = _cached_keys(tuple(query_names))
    scored = []
    for candidate_id, names in candidates:
        score = similarity(query_keys, _cached_keys(tuple(names)))
        if score >= threshold:
            scored.append((candidate_id, score))
    scored.sort(key=lambda item: item[1], reverse=True)
    return scored


@lru_cache(maxsize=8192)
def _cached_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name_keys(*names))


# --- words that must be found -------------------------------------------------------------
#
# What the search of a large register asks its index (haven.identification.search): two names
# can score MATCH_THRESHOLD only if some words of one are found in the other, each scoring at
# least WORD_FLOOR. A name's score is (1 - w) * mean + w * weakest of its aligned word pairs
# (w = _WEAKEST_WORD_WEIGHT), at most (1 - w) + w * weakest, so every aligned pair scores at
# least WORD_FLOOR. And every word of the shorter key is aligned, while the longer key may leave
# out only middle words unless the shorter has five words or more (_alignments' weights: a
# first or last word left out costs 0.5, which MATCH_THRESHOLD allows only from m = 5).

#: The least score of a pair of words aligned in two names that match.
WORD_FLOOR = (MATCH_THRESHOLD - (1 - _WEAKEST_WORD_WEIGHT)) / _WEAKEST_WORD_WEIGHT


def word_deletions(word: str) -> list[str]:
    """The word, and the word with each of its letters left out in turn: two words one letter
    apart (inserted, left out or changed) share one of these, however few trigrams they share."""
    return list(dict.fromkeys([word, *(word[:i] + word[i + 1 :] for i in range(len(word)))]))


#: Marks, among a key's units, the whole key written as one word (word_units).
WHOLE = "="


def word_units(key: str) -> list[str]:
    """What a stored key offers a word of another name: each of its words, and each two or
    three neighbouring words written as one (the scoring joins up to three: "tranglong" meets
    "trang long"), also as neighbours once the particles and leading titles are left out
    ("tranngok" meets "tran ti ngok"); and, marked with WHOLE, the whole key written as one word
    when it has three words or fewer, which is all that a one-word name can match."""
    words = tuple(key.split())
    units = list(words)
    for tokens in (words, _optional_words(words)[1]):
        for n in (2, 3):
            units += ["".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        if 1 <= len(tokens) <= 3:
            units.append(WHOLE + "".join(tokens))
    return list(dict.fromkeys(units))


def word_anchors(key: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The first and the last word of a key, each as the forms in which a matching name must
    hold a word alike (WORD_FLOOR): the word itself, or written together with its one or two
    neighbours. One pair for the key as it is, and one without its particles and leading
    titles when it has some, since the scoring compares both. A name that matches this key
    holds, in one of its keys, a word alike to a form of the first and one alike to a form of
    the last of one pair (the alignment argument above; a matching name of five words or more may
    leave out the first or last, which no name in the labelled set does). A pair whose first and
    last are the same one word asks for more: a one-word name matches only a key that is alike
    as a whole, written as one word (word_units' WHOLE), since any other word would be left out
    at a cost it cannot bear."""
    tokens = tuple(key.split())
    if not tokens:
        return []
    anchors = []
    for words in dict.fromkeys([tokens, _optional_words(tokens)[1]]):
        first = tuple(dict.fromkeys("".join(words[:n]) for n in range(1, min(3, len(words)) + 1)))
        last = tuple(dict.fromkeys("".join(words[-n:]) for n in range(1, min(3, len(words)) + 1)))
        anchors.append((first, last))
    return anchors


# --- stored search keys -------------------------------------------------------------------

#: The longest stored search key (Child.name_key); whole words beyond it are left out.
SEARCH_KEY_MAX = 1000


def search_key(*names: str, max_length: int = SEARCH_KEY_MAX) -> str:
    """The words of every key of one person's names, once each, separated by single spaces:
    what a list stores to find a name written in any script with a plain substring filter
    ("Aung Kyaw" and "အောင်ကျော်" both give "aung kyao aungkyao"). Names are passed as to
    ``name_keys``."""
    words: dict[str, None] = {}
    length = -1
    for key in name_keys(*names):
        for word in key.split():
            if word not in words and length + 1 + len(word) <= max_length:
                words[word] = None
                length += 1 + len(word)
    return " ".join(words)


def word_keys(word: str) -> list[list[str]]:
    """The ways one word of a search appears in a stored ``search_key``: one list of words per
    reading. A word may read as several (Burmese writes "အောင်ကျော်", "aung kyao", without a
    space), and Khmer has two readings; a word of punctuation alone has none."""
    return [key.split() for key in _spaced(name_keys(word))]
