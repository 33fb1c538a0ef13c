"""Text of a PDF page for the PDF reader: characters folded, lines and paragraphs of a cell rebuilt.

PDF fonts often map an ideograph's glyph to the look-alike code point of another block: a Kangxi
radical (U+2F00–U+2FDF), a radical of the CJK Radicals Supplement (U+2E80–U+2EFF) or a CJK
compatibility ideograph. Text copied out of such a PDF shows ``⻓`` for ``长`` and never matches a
label. :func:`fold` maps these back: NFKC for the Kangxi radicals, compatibility ideographs and
``﹦``; an explicit table for the radicals NFKC leaves alone. Nothing else is touched (full-width
punctuation stays as written, as in every other source).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

# CJK Radicals Supplement → the usual ideograph of the same shape (NFKC maps only ⺟ and ⻳)
_RADICALS = dict(zip(
    "⺁⺅⺆⺇⺉⺎⺒⺓⺖⺗⺘⺙⺝⺟⺠⺡⺣⺦⺨⺩⺬⺯⺰⺼⺾⻂⻄⻅⻆⻈⻉⻋⻌⻏⻐⻑⻓⻔⻖⻘⻙⻚⻛⻜⻝⻠⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "厂亻冂几刂兀巳幺忄心扌攵月母民氵灬丬犭王示糸纟月艹衤西见角讠贝车辶阝钅長长门阝青韦页风飞食饣马骨鬼鱼鸟卤麦黄黾齐齿龙龟",
    strict=True,
))  # fmt: skip
_NFKC_BLOCKS = ((0x2F00, 0x2FE0), (0xF900, 0xFB00), (0x2F800, 0x2FA20), (0xFE66, 0xFE67))
_FOLD = str.maketrans(
    {chr(cp): unicodedata.normalize("NFKC", chr(cp)) for start, end in _NFKC_BLOCKS for cp in range(start, end)}
    | _RADICALS
)


def fold(text: str) -> str:
    """Radicals and compatibility ideographs as the usual ideographs; ``﹦`` as ``=``.

    >>> fold("⻓期⼯作﹦100%")
    '长期工作=100%'
    """
    return text.translate(_FOLD)


def _is_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_OPENING = set("（(《〈【〔[{<「『")
_CLOSING = set("，,。.、；;：:？?！!）)》〉】〕]}>」』…%％")
_QUOTES = set("“”‘’\"'")  # a quotation mark is kept with what stands on both sides of it
_IN_WORD = set("-./%:")
_NUMBERED = re.compile(r"^[（(]?[0-9一二三四五六七八九十]{1,3}[.、．)）]")
_SENTENCE_END = set("。；;！!？?")


def _lead(line: list[dict]) -> float:
    """The width of a line's first unbreakable piece: a word of Latin letters and digits, or an
    ideograph, with the punctuation and quotation marks that may not be parted from it."""
    texts = [c["text"] for c in line]
    n = len(texts)

    def core(i: int) -> int:
        if i < n and _is_word(texts[i]):
            while i < n and (_is_word(texts[i]) or texts[i] in _IN_WORD):
                i += 1
            return i
        return min(i + 1, n)

    i = 0
    while i < n - 1 and (texts[i] in _OPENING or texts[i] in _QUOTES):
        i += 1
    i = core(i)
    while i < n and (texts[i] in _CLOSING or texts[i] in _QUOTES):
        i += 1
        # a quotation mark holds on to what follows it; so does punctuation to a following number
        if texts[i - 1] in _QUOTES or (i < n and _is_word(texts[i])):
            i = core(i)
    return line[i - 1]["x1"] - line[0]["x0"]


def lines_of(chars: list[dict]) -> list[tuple[str, float, float, float]]:
    """The text lines of ``chars`` (pdfplumber characters of one cell), top to bottom: each line's
    text, its right end, the size of its characters and the width of its first piece (see
    :func:`_lead`). A gap wider than a quarter of the characters' size is a space (a space in
    CJK fonts is about a third of the size wide; PDFs seldom hold the space itself)."""
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if lines and ch["top"] < lines[-1][0]["top"] + 0.6 * max(lines[-1][0]["size"], 1):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    result = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        printed = [c for c in line if c["text"].strip()]
        if not printed:
            continue
        text = []
        for before, ch in zip([None, *line], line, strict=False):
            if before is not None and ch["x0"] - before["x1"] > max(ch["size"], 1) / 4 and text[-1] != " ":
                text.append(" ")
            if ch["text"] != " " or (text and text[-1] != " "):
                text.append(ch["text"])
        result.append(
            ("".join(text).strip(), max(c["x1"] for c in printed), max(c["size"] for c in printed), _lead(printed))
        )
    return result


@dataclass(frozen=True)
class CellText:
    """A cell's text, with what a cell cut by a page break needs to be joined back: its first line
    and that line's first piece, and its last line and how far short of the edge that line ends."""

    text: str
    first: str = ""
    lead: float = 0.0
    last: str = ""
    short_by: float = 0.0
    size: float = 0.0

    @property
    def runs_on(self) -> bool:
        """Whether the last line runs to the edge: the text may go on below a page break."""
        return bool(self.last) and self.short_by < 2 * self.size


def joiner(before: str, short_by: float, size: float, line: str, lead: float) -> str:
    """What stands between a line (``before``, ending ``short_by`` points short of the edge) and
    the next: ``"\n"`` where a paragraph ended, else ``" "`` between words of Latin text, else nothing.

    A line was wrapped when the first piece of the next line would not have fitted after it, or
    when it ends less than two characters short of the edge (line breakers differ in what they
    keep together); a numbered line after a full stop starts a paragraph.
    """
    if _NUMBERED.match(line) and before[-1] in _SENTENCE_END:
        return "\n"
    if short_by < max(lead + 1.0, 2 * size):
        # words of Latin text wrapped at a space; a word cut short (a narrow cell) or CJK: no space
        return " " if " " in before and _is_word(before[-1]) and _is_word(line[0]) else ""
    return "\n"


def cell_text(chars: list[dict], left: float, right: float) -> CellText:
    """A cell's text as Word holds it: wrapped lines joined, one ``\n`` per paragraph (see :func:`joiner`).

    ``left`` and ``right`` are the cell's borders; the text stops as far from the right border as it
    starts from the left one.
    """
    lines = lines_of(chars)
    if not lines:
        return CellText("")
    start = min(c["x0"] for c in chars)
    limit = right - max(start - left, 0)
    text = lines[0][0]
    for (before, end, size, _), (line, _, _, lead) in itertools.pairwise(lines):
        text += joiner(before, limit - end, size, line, lead) + line
    last, end, size, _ = lines[-1]
    return CellText(fold(text), lines[0][0], lines[0][3], last, limit - end, size)
