"""A copy of a document that a mirror site rewrote, and so cannot be read by its labels.

Content farms republish government pages converted to traditional characters, with the pinyin of
some characters put in brackets inside the words (``一級指標(biāo)``, ``實(shí)際完成值``). Not one label
of such a copy is a label perfkit knows, so it finds no table in it. Reading it would mean undoing
the rewrite in every cell, names included, which is a guess; perfkit refuses the file and says
what kind of copy it is, so that the auditor fetches the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# a Chinese character, then its pinyin with a tone mark in brackets, with the word around it (what
# the auditor will recognise, quoted): 績效指標(biāo), 項(xiàng)目名稱
_GLOSSED = re.compile(
    rf"[\u4e00-\u9fff]{{0,3}}[\u4e00-\u9fff][(（][a-zü]*[{_TONED}][a-zü{_TONED}]*[)）][\u4e00-\u9fff]{{0,4}}"
)


def rewritten_copy(texts: Iterable[str]) -> str:
    """``文字中夹注拼音（如“指標(biāo)”）…`` where the texts carry pinyin glosses inside their words,
    for the refusal of a file in which no table was found; "" otherwise.

    >>> rewritten_copy(["績效指標(biāo)", "實(shí)際完成值"])
    '文字中夹注拼音（如“績效指標(biāo)”），是转载网站改写过的副本，表头无法读取：请取得原件'
    >>> rewritten_copy(["年度指标值", "实际完成值(%)"])
    ''
    """
    for text in texts:
        if glossed := _GLOSSED.search(text):
            return f"文字中夹注拼音（如“{glossed.group(0)}”），是转载网站改写过的副本，表头无法读取：请取得原件"
    return ""
