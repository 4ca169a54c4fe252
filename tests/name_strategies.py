"""A model of the Vietnamese syllable, name generators and legacy encoders for the name tests.

Kept independent of the engine on purpose: the syllable inventory, the tone
placement rules and the VNI / TCVN3 / VIQR / mojibake encoders are written here
from the reference (docs/names.md, "What the rules rest on") and the published
encodings, so a property that compares the engine with this model tests the
engine against the specification rather than against itself. TCVN3 codes are
glibc's TCVN5712-1 table (checked with `iconv -t TCVN5712-1`), shown as
Windows-1252 the way old files display them today.

Everything here is made up from syllables; no real person's record.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from hypothesis import strategies as st

# ---------------------------------------------------------------------------
# Letters and marks
# ---------------------------------------------------------------------------

GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
TONES = (GRAVE, HOOK, TILDE, ACUTE, DOT)
LEVEL = ""
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
VOWELS = set("aăâeêioôơuưy")
QUALITY_VOWELS = set("ăâêôơư")

#: Every Vietnamese letter that carries a mark, lower case then upper case.
MARKED_LOWER = "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđ"
MARKED_LETTERS = MARKED_LOWER + MARKED_LOWER.upper()
#: Characters a name written in Unicode Vietnamese is made of.
VIETNAMESE_LETTERS = frozenset(MARKED_LETTERS + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def split_letter(c: str) -> tuple[str, str]:
    """(toneless letter in NFC, tone marks) of one character."""
    d = unicodedata.normalize("NFD", c)
    tones = "".join(m for m in d[1:] if m in TONES)
    rest = d[0] + "".join(m for m in d[1:] if m not in TONES)
    return unicodedata.normalize("NFC", rest), tones


def with_tone(letter: str, tone: str) -> str:
    return unicodedata.normalize("NFC", letter + tone)


# ---------------------------------------------------------------------------
# The syllable: onset + rhyme + tone
# ---------------------------------------------------------------------------

ONSETS = (
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
)

# Rhymes (vần) by their nucleus. Written without tone.
_OPEN = (
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uy ưa ưi ưu uơ "
    "iêu oai oay oao oeo uây uôi ươi ươu uya uyu"
)
_CLOSED = (
    "an ang anh am ac ach ap at ăn ăng ăm ăc ăp ăt ân âng âm âc âp ât en eng em ec ep et "
    "ên ênh êm êch êp êt in inh im ich ip it iên iêng iêm iêc iêp iêt on ong om oc op ot oong ooc "
    "ôn ông ôm ôc ôp ôt ơn ơm ơp ơt un ung um uc up ut uôn uông uôm uôc uôt ưn ưng ưm ưc ưt "
    "ươn ương ươm ươc ươp ươt oan oang oanh oam oac oach oap oat oăn oăng oăm oăc oăt oen oem oet "
    "uân uâng uât uênh uêch uyn uynh uych uyp uyt uyên uyêt"
)
# "yê" is how "iê" is written with no onset (yên, yêu).
_Y_ONLY = "yêu yên yêm yêt"
RHYMES = tuple(_OPEN.split() + _CLOSED.split() + _Y_ONLY.split())
_RHYME_SET = frozenset(RHYMES)
# After qu the u belongs to the onset: quả, quý, quyết, quốc.
QU_RHYMES = tuple(
    "a ai ay ao an ang anh ac ach at am ăn ăng ăm ăc ăt ân âng ât ây e en eo et ê ên ênh êch êt "
    "y ynh yt ych yên yêt ơ ôc".split()
)
STOPS = ("c", "ch", "p", "t")


def nucleus_and_coda(rhyme: str) -> tuple[str, str]:
    n = 0
    while n < len(rhyme) and rhyme[n] in VOWELS:
        n += 1
    return rhyme[:n], rhyme[n:]


def _front(rhyme: str) -> bool:
    return rhyme[0] in "ieêy"


def _glide_initial(rhyme: str) -> bool:
    """oa, oe, oă, uê, uy, uâ, uơ…: the labial glide that only some onsets take (hoa, khuy, quả)."""
    return rhyme[:2] in ("oa", "oe", "oă", "uê", "uy", "uâ", "uơ")


# After gi: the rhymes that follow it in real words (gia, giữa, giường, giỏi, giun …).
GI_RHYMES = frozenset(
    "a ai ao au ay âu ây an ang anh am ac ap at ăn ăng ăm ăc ăp ăt ân âng âm âc âp ât "
    "e eo en em et ê êt o oi on ong om oc ot ô ôi ông ôn ôc ơ ơi ơn ơm "
    "u ui un ung uc ut ư ưa ưng ươn ương ươc ươm".split()
)


def allowed(onset: str, rhyme: str) -> bool:
    """Combinations real Vietnamese spelling uses (k/c, g/gh, ng/ngh, qu, gi, yê)."""
    if onset == "qu":
        return rhyme in QU_RHYMES
    if onset == "gi":
        return rhyme in GI_RHYMES
    if rhyme in _Y_ONLY.split():
        return onset == ""
    if rhyme.startswith("iê") and onset == "":
        return False
    if rhyme.startswith("y") and onset not in ("", "h", "k", "l", "m", "s", "t", "v"):
        return False
    if onset == "k":
        return _front(rhyme)
    if onset in ("gh", "ngh"):
        return _front(rhyme) and not rhyme.startswith("y")
    if onset in ("c", "g"):
        return not _front(rhyme) and not _glide_initial(rhyme)
    if onset == "ng":
        return not _front(rhyme)
    if onset in ("b", "m", "p", "ph", "v"):
        return not _glide_initial(rhyme)
    return True


@dataclass(frozen=True)
class Syllable:
    onset: str
    rhyme: str
    tone: str  # one of TONES, or LEVEL

    @property
    def letters(self) -> str:
        return self.onset + self.rhyme

    def tone_index(self, old_style: bool = False) -> int:
        """Index in `letters` of the vowel that carries the tone (rules 1-5 of the reference)."""
        nucleus, coda = nucleus_and_coda(self.rhyme)
        base = len(self.onset)
        quality = [i for i, c in enumerate(nucleus) if c in QUALITY_VOWELS]
        if quality:
            return base + quality[-1]
        if len(nucleus) == 1:
            return base
        if coda:
            return base + len(nucleus) - 1
        if nucleus in ("oa", "oe", "uy"):
            return base + (0 if old_style else 1)
        if nucleus in ("ia", "ua"):
            return base
        if nucleus == "uya":
            return base + 1
        return base + len(nucleus) - 2  # the vowel before a closing glide

    def render(self, old_style: bool = False, tone_at: int | None = None) -> str:
        """Lower-case NFC text; `tone_at` puts the tone on another letter (a misplacement)."""
        at = self.tone_index(old_style) if tone_at is None else tone_at
        return "".join(with_tone(c, self.tone) if i == at else c for i, c in enumerate(self.letters))

    def display(self) -> str:
        """The canonical display form: new style, first letter capitalised."""
        s = self.render()
        return s[0].upper() + s[1:]

    def vowel_positions(self) -> list[int]:
        return [i for i, c in enumerate(self.letters) if c in VOWELS]

    def ends_in_glide(self) -> bool:
        nucleus, coda = nucleus_and_coda(self.rhyme)
        return not coda and len(nucleus) > 1 and nucleus[-1] in "iouy" and nucleus not in ("oa", "oe", "uy", "uơ")

    def misplacements(self) -> list[int]:
        """Letters a tone may be misplaced on and still be read as this syllable.

        A tone on the closing glide ("baõ" for bão, "phaù" for phàu) is how VNI
        writes a tone after its vowel, not a misplacement anyone types: the legacy
        decoder is right to read "Phaù" as VNI Phá.
        """
        last = len(self.letters) - 1
        return [i for i in self.vowel_positions() if not (self.ends_in_glide() and i == last)]

    def fold(self) -> str:
        return strip_marks(self.letters)


def strip_marks(s: str) -> str:
    out = []
    for c in unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D")):
        if not unicodedata.combining(c):
            out.append(c)
    return "".join(out)


def parse_syllable(token: str) -> Syllable | None:
    """The syllable a token spells (any case, any normalisation, tone anywhere), or None."""
    s = unicodedata.normalize("NFC", token).lower().replace("ð", "đ")
    tone = LEVEL
    letters = []
    for c in s:
        letter, t = split_letter(c)
        if len(letter) != 1:
            return None
        if t:
            if tone or len(t) > 1:
                return None
            tone = t
        letters.append(letter)
    text = "".join(letters)
    for onset in sorted(ONSETS, key=len, reverse=True):
        if not text.startswith(onset):
            continue
        rhyme = text[len(onset) :]
        if onset == "gi" and not (rhyme and rhyme[0] in VOWELS):
            continue
        if rhyme in (QU_RHYMES if onset == "qu" else _RHYME_SET):
            _, coda = nucleus_and_coda(rhyme)
            if coda in STOPS and tone not in (ACUTE, DOT):
                return None
            return Syllable(onset, rhyme, tone)
    return None


def syllable_of(token: str) -> Syllable:
    syl = parse_syllable(token)
    if syl is None:
        raise ValueError(f"not a syllable in the model: {token!r}")
    return syl


ONSET_RHYME_PAIRS = [(o, r) for o in ONSETS for r in (QU_RHYMES if o == "qu" else RHYMES) if allowed(o, r)]


@st.composite
def syllables(draw: st.DrawFn) -> Syllable:
    onset, rhyme = draw(st.sampled_from(ONSET_RHYME_PAIRS))
    _, coda = nucleus_and_coda(rhyme)
    if coda in STOPS:
        tone = draw(st.sampled_from((ACUTE, DOT)))
    elif nucleus_and_coda(rhyme)[0] == "uya":
        tone = LEVEL  # khuya: no toned form in use
    else:
        tone = draw(st.sampled_from((LEVEL,) + TONES))
    return Syllable(onset, rhyme, tone)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Hoàng Phủ",
    "Tôn Thất",
    "Tôn Nữ",
    "Âu Dương",
    "Trần Lê",
]
MIDDLES = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Đức", "Quang", "Hữu", "Xuân", "Duy", "Đình"]
# Given names from the reference's rules and examples: every tone-placement shape.
GIVENS = [
    "Hùng",
    "Hưng",
    "Thu",
    "Thư",
    "Hoa",
    "Hòa",
    "Lan",
    "Lân",
    "Nam",
    "Năm",
    "Tuấn",
    "Tuân",
    "Phương",
    "Phượng",
    "Hiền",
    "Hiển",
    "Đông",
    "Đồng",
    "Hà",
    "Hạ",
    "An",
    "Ân",
    "Đào",
    "Huệ",
    "Việt",
    "Thuyết",
    "Nghĩa",
    "Toàn",
    "Quyết",
    "Khoái",
    "Quý",
    "Quỳnh",
    "Quảng",
    "Giáp",
    "Hoàn",
    "Thủy",
    "Khỏe",
    "Tùy",
    "Mỹ",
    "Kỳ",
    "Sỹ",
    "Tuyển",
    "Thắng",
    "Hạnh",
    "Yến",
    "Ánh",
    "Nguyệt",
    "Uyên",
    "Khuê",
    "Ước",
    "Lụa",
    "Lửa",
    "Khuya",
    "Khuỷu",
    "Người",
    "Rượu",
]
#: Honorifics the name layer drops in front of a name.
HONORIFICS = ["Ông", "Bà", "Anh", "Chị", "Đ/c", "Đồng chí", "đ/c", "ông"]
#: Surnames an honorific may stand before (all of the reference's common surnames).
COMMON_SURNAMES = {
    "nguyễn",
    "trần",
    "lê",
    "phạm",
    "hoàng",
    "huỳnh",
    "phan",
    "vũ",
    "võ",
    "đặng",
    "bùi",
    "đỗ",
    "hồ",
    "ngô",
    "dương",
    "lý",
    "tôn",
    "âu",
}
#: Tokens of other naming traditions that are not Vietnamese syllables.
FOREIGN_TOKENS = ["Ksor", "H'Hen", "Niê", "Ktla", "Y", "Mlô", "K'Nơ", "Blưm"]

#: The reference's pairs of different people (fold alike, marks differ).
DIFFERENT_PEOPLE = [
    ("Hùng", "Hưng"),
    ("Thu", "Thư"),
    ("Hoa", "Hòa"),
    ("Lan", "Lân"),
    ("Nam", "Năm"),
    ("Tuấn", "Tuân"),
    ("Phương", "Phượng"),
    ("Hiền", "Hiển"),
    ("Đông", "Đồng"),
    ("Hà", "Hạ"),
    ("An", "Ân"),
    ("Dương", "Đường"),
    ("Đào", "Dao"),
]

_HONORIFIC_KEYS = {"ông", "bà", "anh", "chị"}


def opens_like_honorific(tokens: list[Syllable]) -> bool:
    """Names the layer may read as honorific + name; generators avoid them so the expected display is plain."""
    if len(tokens) < 2:
        return False
    first = tokens[0].render()
    if first in _HONORIFIC_KEYS and tokens[1].render() in COMMON_SURNAMES:
        return True
    return first == "đồng" and tokens[1].render() == "chí"


@st.composite
def name_syllables(draw: st.DrawFn, min_size: int = 1, max_size: int = 5) -> list[Syllable]:
    """A clean name as syllables: a surname, middles and a given name from the lists, or random syllables."""
    if draw(st.booleans()):
        parts = [draw(st.sampled_from(SURNAMES))]
        parts += draw(st.lists(st.sampled_from(MIDDLES), max_size=2))
        parts.append(draw(st.sampled_from(GIVENS)))
        tokens = [syllable_of(t) for p in parts for t in p.split()]
        tokens = tokens[:max_size]
    else:
        tokens = draw(st.lists(syllables(), min_size=min_size, max_size=max_size))
    if len(tokens) < min_size:
        tokens += draw(st.lists(syllables(), min_size=min_size - len(tokens), max_size=min_size - len(tokens)))
    if opens_like_honorific(tokens):
        tokens = tokens[1:] + tokens[:1]
        if opens_like_honorific(tokens):
            tokens = [Syllable("t", "a", LEVEL)] + tokens
    return tokens


def display_of(tokens: Iterable[Syllable]) -> str:
    return " ".join(t.display() for t in tokens)


def key_of(tokens: Iterable[Syllable]) -> str:
    return " ".join(t.render() for t in tokens)


def fold_of(tokens: Iterable[Syllable]) -> str:
    return " ".join(t.fold() for t in tokens)


# ---------------------------------------------------------------------------
# Noise that keeps the spelling (relation 1) and noise that keeps the name (relation 2)
# ---------------------------------------------------------------------------

SEPARATORS = [" ", "  ", "\t", "\u00a0", "\u3000", " \u00a0 ", ", ", " . ", " - ", "\u2003", " \ufeff ", "\n"]
EDGES = ["", " ", "\u00a0", "\ufeff", "\u200b", "\t", ".", ",", " ; ", "\u3000", " -"]
# Inside a syllable these vanish (zero-width joiners, word joiner, BOM, zero-width space).
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def cp1258_form(s: str) -> str:
    """How Windows code page 1258 text decodes: quality marks precomposed, tones combining."""
    out = []
    for c in unicodedata.normalize("NFC", s):
        d = unicodedata.normalize("NFD", c)
        tones = "".join(m for m in d[1:] if m in TONES)
        out.append(unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m not in TONES)) + tones)
    return "".join(out)


def deprecated_tones(s: str) -> str:
    """NFD with the deprecated U+0340/U+0341 for grave/acute (NFC maps them back)."""
    return unicodedata.normalize("NFD", s).replace(GRAVE, "\u0340").replace(ACUTE, "\u0341")


def marks_out_of_order(s: str) -> str:
    """NFD with the tone written before a circumflex/breve of the same combining class (NFC keeps them apart)."""
    d = unicodedata.normalize("NFD", s)
    out = []
    i = 0
    while i < len(d):
        if i + 1 < len(d) and d[i] in (CIRCUMFLEX, BREVE) and d[i + 1] in (GRAVE, ACUTE, HOOK, TILDE):
            out += [d[i + 1], d[i]]
            i += 2
        else:
            out.append(d[i])
            i += 1
    return "".join(out)


CASES = ("title", "lower", "upper")


def cased(token: str, how: str) -> str:
    """Lower, upper or title case, one style per name as files write them.

    Case mixed inside a word ("lÝ", "NguyÔn") is how TCVN3 text looks, and the
    decoder rightly reads it so; names with capitals beside title case are tested
    on their own in test_names_reference.py.
    """
    if how == "lower":
        return token.lower()
    if how == "upper":
        return token.upper()
    return token[:1].upper() + token[1:].lower()


@st.composite
def unicode_form(draw: st.DrawFn, token: str) -> str:
    form = draw(st.sampled_from(["NFC", "NFD", "cp1258", "deprecated"]))
    if form == "cp1258":
        return cp1258_form(token)
    if form == "deprecated":
        return deprecated_tones(token)
    return unicodedata.normalize(form, token)


@st.composite
def spelled_alike(draw: st.DrawFn, token: str, is_syllable: bool = True, case: str | None = None) -> str:
    """One token with noise that keeps its spelling (relation 1)."""
    t = cased(token, case or draw(st.sampled_from(CASES)))
    if draw(st.integers(0, 3)) == 0:
        t = t.replace("Đ", "Ð").replace("đ", "ð")
    t = draw(unicode_form(t))
    if is_syllable and len(t) > 1 and draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(1, len(t) - 1))
        # Never between a letter and its combining mark: the mark would land on the invisible.
        while at < len(t) and unicodedata.combining(t[at]):
            at += 1
        t = t[:at] + draw(st.sampled_from(INVISIBLE)) + t[at:]
    return t


def _after(text: str, choices: list[str]) -> list[str]:
    """Separators that may follow `text`. After Ã or Ă, a no-break space is how à
    looks as UTF-8 read in cp1252 or cp1250 (C3 A0), and the decoder rightly reads
    "HoÃ\u00a0" as Hoà: that is mojibake, not spelling noise."""
    if unicodedata.normalize("NFC", text)[-1:] in ("Ã", "Ă"):
        return [c for c in choices if not c.startswith("\u00a0")]
    return choices


@st.composite
def joined(draw: st.DrawFn, tokens: list[str], honorific: bool = False, case: str = "title") -> str:
    text = tokens[0] if tokens else ""
    for t in tokens[1:]:
        text += draw(st.sampled_from(_after(text, SEPARATORS))) + t
    if honorific:
        # In the name's own case: "Bà NGUYỄN HÙNG" is test_names_reference.py's business.
        title = " ".join(cased(w, case) for w in draw(st.sampled_from(HONORIFICS)).split())
        text = title + draw(st.sampled_from([" ", "  ", "\u00a0"])) + text
    return draw(st.sampled_from(EDGES)) + text + draw(st.sampled_from(_after(text, EDGES)))


def may_take_honorific(tokens: list[Syllable]) -> bool:
    return len(tokens) >= 2 and tokens[0].render() in COMMON_SURNAMES


@st.composite
def same_spelling(draw: st.DrawFn, tokens: list[Syllable]) -> str:
    """The name with relation-1 noise: case, NFD, cp1258, Ð, whitespace, punctuation, invisibles, honorific."""
    case = draw(st.sampled_from(CASES))
    texts = [draw(spelled_alike(t.render(), case=case)) for t in tokens]
    honorific = may_take_honorific(tokens) and draw(st.integers(0, 4)) == 0
    return draw(joined(texts, honorific, case))


@st.composite
def same_name(draw: st.DrawFn, tokens: list[Syllable]) -> str:
    """The name with relation-2 noise too: either tone style, a misplaced tone, marks out of order."""
    texts = []
    case = draw(st.sampled_from(CASES))
    for t in tokens:
        how = draw(st.sampled_from(["new", "old", "misplaced", "order"]))
        if how == "misplaced" and t.tone:
            text = t.render(tone_at=draw(st.sampled_from(t.misplacements())))
        elif how == "order":
            text = t.render(old_style=draw(st.booleans()))
            texts.append(marks_out_of_order(cased(text, case)))
            continue
        else:
            text = t.render(old_style=how == "old")
        texts.append(draw(spelled_alike(text, case=case)))
    honorific = may_take_honorific(tokens) and draw(st.integers(0, 4)) == 0
    return draw(joined(texts, honorific, case))


# ---------------------------------------------------------------------------
# Legacy encoders (the reference's table; VNI from the VNI-Windows font layout)
# ---------------------------------------------------------------------------

_VNI_TONE = {GRAVE: "øØ", HOOK: "ûÛ", TILDE: "õÕ", ACUTE: "ùÙ", DOT: "ïÏ"}
_VNI_CIRCUMFLEX = {LEVEL: "âÂ", GRAVE: "àÀ", HOOK: "åÅ", TILDE: "ãÃ", ACUTE: "áÁ", DOT: "äÄ"}
_VNI_BREVE = {LEVEL: "êÊ", GRAVE: "èÈ", HOOK: "úÚ", TILDE: "üÜ", ACUTE: "éÉ", DOT: "ëË"}
_VNI_I = {LEVEL: "iI", GRAVE: "ìÌ", HOOK: "æÆ", TILDE: "óÓ", ACUTE: "íÍ", DOT: "òÒ"}


def _parts(c: str) -> tuple[str, str, str, bool] | None:
    """(ASCII base lower case, quality mark, tone, upper) of a Vietnamese letter, or None."""
    if c in "đĐ":
        return "đ", "", LEVEL, c == "Đ"
    d = unicodedata.normalize("NFD", c)
    if not d[0].isascii() or not d[0].isalpha():
        return None
    quality = "".join(m for m in d[1:] if m in (CIRCUMFLEX, BREVE, HORN))
    tone = "".join(m for m in d[1:] if m in TONES)
    if len(d) != 1 + len(quality) + len(tone):
        return None
    return d[0].lower(), quality, tone, d[0].isupper()


def encode_vni(s: str) -> str:
    out = []
    for c in unicodedata.normalize("NFC", s):
        p = _parts(c)
        if p is None or (p[0] not in "aeiouyđ"):
            out.append(c)
            continue
        base, quality, tone, upper = p
        u = int(upper)
        letter = base.upper() if upper else base
        if base == "đ":
            out.append("ñÑ"[u])
        elif base == "i" and not quality:
            out.append(_VNI_I[tone][u])
        elif base == "y" and tone == DOT:
            out.append("îÎ"[u])
        elif quality == CIRCUMFLEX:
            out.append(letter + _VNI_CIRCUMFLEX[tone][u])
        elif quality == BREVE:
            out.append(letter + _VNI_BREVE[tone][u])
        elif quality == HORN:
            out.append(("ôÔ" if base == "o" else "öÖ")[u] + (_VNI_TONE[tone][u] if tone else ""))
        else:
            out.append(letter + (_VNI_TONE[tone][u] if tone else ""))
    return "".join(out)


# TCVN 5712:1993 codes of the lower-case letters, as Windows-1252 shows them.
_TCVN3_LOWER = dict(
    zip(
        "àảãáạăằẳẵắặâầẩẫấậèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵđ",
        "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊËÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\u00adõö÷øùúûüýþ®",
    )
)
# The ABC (VN3) fonts' only capitals; a toned capital is typed with the lower-case code.
_TCVN3_CAPITALS = {"Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}


def encode_tcvn3(s: str) -> str:
    out = []
    for c in unicodedata.normalize("NFC", s):
        if c in _TCVN3_CAPITALS:
            out.append(_TCVN3_CAPITALS[c])
        elif c.lower() in _TCVN3_LOWER and not c.isascii():
            out.append(_TCVN3_LOWER[c.lower()])
        else:
            out.append(c)
    return "".join(out)


_VIQR_QUALITY = {CIRCUMFLEX: "^", BREVE: "(", HORN: "+"}
_VIQR_TONE = {GRAVE: "`", ACUTE: "'", HOOK: "?", TILDE: "~", DOT: "."}


def encode_viqr(s: str) -> str:
    """RFC 1456 for a clean name (letters and spaces only: no escapes needed)."""
    out = []
    for c in unicodedata.normalize("NFC", s):
        p = _parts(c)
        if p is None:
            out.append(c)
            continue
        base, quality, tone, upper = p
        if base == "đ":
            out.append("DD" if upper else "dd")
            continue
        out.append((base.upper() if upper else base) + _VIQR_QUALITY.get(quality, "") + _VIQR_TONE.get(tone, ""))
    return "".join(out)


def mojibake(s: str, codec: str) -> str:
    """UTF-8 bytes read as a single-byte code page; bytes it leaves undefined become C1 controls (as Windows does)."""
    out = []
    for b in s.encode("utf-8"):
        try:
            out.append(bytes([b]).decode(codec))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


MOJIBAKE_CODECS = ("cp1252", "cp1250", "mac_roman")
