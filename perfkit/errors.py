"""The one error type for bad input, which the CLI turns into a one-line message."""

from __future__ import annotations

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
        """The message as the CLI prints it: ``file: place: message`` on a single line."""
        parts = [self.file, self.place, self.message] if self.place else [self.file, self.message]
        return ": ".join(p.replace("\n", " ") for p in parts)
