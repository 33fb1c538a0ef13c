"""The one error type for bad input, which the CLI turns into a one-line message."""

from __future__ import annotations

import re
from pathlib import Path


class PerfkitError(Exception):
    """Base class of every error perfkit raises on purpose."""


class InputError(PerfkitError):
    """An input file that perfkit cannot read: names the file, the place in it and what is wrong."""

    def __init__(self, file: str | Path, place: str | None, message: str) -> None:
        self.file = str(file)
        self.place = place
        self.message = message
        super().__init__(self.one_line())

    def __reduce__(self):  # keeps the three parts when the error crosses a process boundary
        return (type(self), (self.file, self.place, self.message))

    def one_line(self) -> str:
        r"""The message as the CLI prints it: ``file: place: message`` on a single line.

        Control characters quoted from a document (a terminal escape sequence, a carriage return)
        are shown as ``\x1b`` and the like, and a message quoting a huge cell is shortened in the
        middle, so the line stays one readable line.

        >>> InputError("a.txt", "第3行", "预算数“\x1b[2J”不是数字").one_line()
        'a.txt: 第3行: 预算数“\\x1b[2J”不是数字'
        """
        message = _shortened(self.message)
        parts = [self.file, self.place, message] if self.place else [self.file, message]
        return ": ".join(_CONTROL.sub(_visible, p) for p in parts)


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
MAX_MESSAGE = 1000


def _visible(match: re.Match) -> str:
    return " " if match.group() == "\n" else f"\\x{ord(match.group()):02x}"


def _shortened(message: str) -> str:
    half = MAX_MESSAGE // 2
    return message if len(message) <= MAX_MESSAGE else f"{message[:half]}…{message[-half:]}"
