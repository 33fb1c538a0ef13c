"""Parse a document once where a caller reads it twice: discovery (``perfkit.run.discover``)
reads each document as a possible self-evaluation, then the others as target tables.

Inside :func:`parsing_once`, a reader decorated with :func:`parsed_once` keeps what it parsed of
each document (the result, or the :class:`~perfkit.errors.InputError` it raised), keyed by the
reader, the file name, a digest of the bytes and the other arguments, and gives it back to the
next call; outside, it parses every time, as before. What is kept is never changed by its users
(span tables, sheets, polars frames), so a second user sees what the first saw.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from perfkit.errors import InputError

_MEMO: ContextVar[dict | None] = ContextVar("perfkit_parsed_once", default=None)
Parse = TypeVar("Parse", bound=Callable[..., Any])


@contextmanager
def parsing_once() -> Iterator[dict]:
    """Within this block each document is parsed once by each reader marked :func:`parsed_once`;
    what was parsed is let go at the end of the block (the caller bounds how much it holds)."""
    token = _MEMO.set({})
    try:
        yield _MEMO.get()
    finally:
        _MEMO.reset(token)


def remembered(parse: Callable, data: bytes, file: str, *args: Any) -> tuple[bool, Any] | None:
    """What ``parse`` gave for these arguments within the current block: ``(True, result)`` or
    ``(False, error)``; None outside a block or when it has not parsed them yet."""
    memo = _MEMO.get()
    return None if memo is None else memo.get(_key(parse, data, file, args))


def _key(parse: Callable, data: bytes, file: str, args: tuple) -> tuple:
    return (parse.__module__, parse.__qualname__, file, hashlib.blake2b(data, digest_size=16).digest(), repr(args))


def parsed_once(parse: Parse) -> Parse:
    """``parse(data, file, *args)``, remembered within :func:`parsing_once` (see module doc)."""

    @functools.wraps(parse)
    def once(data: bytes, file: str, *args: Any) -> Any:
        memo = _MEMO.get()
        if memo is None:
            return parse(data, file, *args)
        key = _key(parse, data, file, args)
        if key not in memo:
            try:
                memo[key] = (True, parse(data, file, *args))
            except InputError as exc:
                memo[key] = (False, exc)
        ok, value = memo[key]
        if not ok:
            raise value
        return value

    return once  # type: ignore[return-value]
