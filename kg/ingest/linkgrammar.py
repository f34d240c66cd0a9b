"""A small ctypes binding to the link-grammar parser (Debian ``liblink-grammar5``).

Why ctypes and not Debian's ``python3-link-grammar``: that binding is compiled for the system
Python, and kg runs in a virtual environment of any 3.11+ interpreter. The C API kg needs is
a dozen functions, stable since link-grammar 5.0, so binding them here keeps the parser usable
from any venv without ``--system-site-packages``.

The parser is English, rule-based and fully offline: its dictionary ships in the Debian package
(``link-grammar-dictionaries-en``), nothing is fetched. :func:`parse` returns the words of the
best linkage and its links (label, left word, right word), :func:`parses` the next best too;
:mod:`kg.ingest.frames` reads subjects and objects from them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from dataclasses import dataclass

from kg.errors import KGError

__all__ = ["Link", "Parse", "ParserUnavailable", "known", "parse", "parses"]

_LIBRARY_NAMES = ("link-grammar", "liblink-grammar.so.5")


class ParserUnavailable(KGError):
    """liblink-grammar or its English dictionary is not installed: a set-up problem, said in one line."""


@dataclass(frozen=True)
class Link:
    """One link of a linkage: its label ("Ss", "Os", "MVp", "Pv" ...) between two word indices."""

    label: str
    left: int
    right: int


@dataclass(frozen=True)
class Parse:
    """The best linkage of a sentence: its words as the parser tagged them, their byte spans, its links."""

    words: tuple[str, ...]
    """Each word as the dictionary matched it: "withdrew.v-d", "fighters.n", "Homs[!]"; LEFT-WALL first."""
    spans: tuple[tuple[int, int], ...]
    """Byte offsets of each word in the parsed (UTF-8) text; (0, 0) for the walls."""
    links: tuple[Link, ...]
    null_count: int
    """How many words the parser had to leave unlinked: 0 for a complete parse."""


_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    path = ctypes.util.find_library("link-grammar")
    for name in (path, *_LIBRARY_NAMES):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        return lib
    raise ParserUnavailable(
        "the link-grammar parser is not installed (Debian: apt-get install liblink-grammar5 "
        "link-grammar-dictionaries-en; `make setup` does it)"
    )


def _declare(lib: ctypes.CDLL) -> None:
    vp, ip, cp = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    signatures = {
        "dictionary_create_lang": (vp, [cp]),
        "parse_options_create": (vp, []),
        "parse_options_set_verbosity": (None, [vp, ip]),
        "parse_options_set_linkage_limit": (None, [vp, ip]),
        "parse_options_set_max_parse_time": (None, [vp, ip]),
        "parse_options_set_min_null_count": (None, [vp, ip]),
        "parse_options_set_max_null_count": (None, [vp, ip]),
        "parse_options_set_islands_ok": (None, [vp, ip]),
        "parse_options_set_spell_guess": (None, [vp, ip]),
        "sentence_create": (vp, [cp, vp]),
        "sentence_split": (ip, [vp, vp]),
        "sentence_parse": (ip, [vp, vp]),
        "sentence_null_count": (ip, [vp]),
        "sentence_delete": (None, [vp]),
        "linkage_create": (vp, [ip, vp, vp]),
        "linkage_delete": (None, [vp]),
        "linkage_get_num_words": (ip, [vp]),
        "linkage_get_word": (cp, [vp, ip]),
        "linkage_get_word_byte_start": (ip, [vp, ip]),
        "linkage_get_word_byte_end": (ip, [vp, ip]),
        "linkage_get_num_links": (ip, [vp]),
        "linkage_get_link_lword": (ip, [vp, ip]),
        "linkage_get_link_rword": (ip, [vp, ip]),
        "linkage_get_link_label": (cp, [vp, ip]),
        "lg_error_set_handler": (vp, [vp, vp]),
        "dictionary_lookup_list": (vp, [vp, cp]),
        "free_lookup_list": (None, [vp, vp]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_silence = _HANDLER_TYPE(lambda message, data: None)
"""The library reports dictionary and locale notes on stderr; kg's users need none of them."""


@functools.lru_cache(maxsize=1)
def _parser() -> tuple[ctypes.CDLL, int, int]:
    lib = _library()
    lib.lg_error_set_handler(ctypes.cast(_silence, ctypes.c_void_p), None)
    dictionary = lib.dictionary_create_lang(b"en")
    if not dictionary:
        raise ParserUnavailable(
            "the link-grammar English dictionary is missing (Debian: apt-get install link-grammar-dictionaries-en)"
        )
    options = lib.parse_options_create()
    lib.parse_options_set_verbosity(options, 0)
    lib.parse_options_set_linkage_limit(options, 250)
    lib.parse_options_set_max_parse_time(options, 2)
    lib.parse_options_set_islands_ok(options, 0)
    lib.parse_options_set_spell_guess(options, 0)
    return lib, dictionary, options


@functools.lru_cache(maxsize=4096)
def known(word: str) -> bool:
    """Whether the dictionary lists ``word`` itself ("so-called", "one-way"), not only a guess from its shape.

    A hyphenated word it does not list ("counter-offensive", "five-month") is guessed from its shape, often
    as the wrong part of speech, and then derails the parse of the whole sentence.
    """
    lib, dictionary, _ = _parser()
    with _lock:
        found = lib.dictionary_lookup_list(dictionary, word.encode("utf-8"))
        if found:
            lib.free_lookup_list(dictionary, found)
    return bool(found)


def parse(text: str) -> Parse | None:
    """The best linkage of one sentence (see :func:`parses`), or None."""
    found = parses(text, 1)
    return found[0] if found else None


def parses(text: str, count: int) -> list[Parse]:
    """Up to ``count`` linkages of one sentence, best first, allowing unlinked words when no complete one exists.

    Empty when the parser finds no linkage at all (junk, a list of numbers). Parsing is bounded
    (2 s per sentence, then the best linkages found so far), so a pathological sentence cannot
    stall an extraction.
    """
    lib, dictionary, options = _parser()
    encoded = text.encode("utf-8")
    with _lock:  # one parse-options object is shared; the library's sentences are not thread-safe with it
        sentence = lib.sentence_create(encoded, dictionary)
        if not sentence:
            return []
        try:
            if lib.sentence_split(sentence, options) < 0:
                return []
            lib.parse_options_set_min_null_count(options, 0)
            lib.parse_options_set_max_null_count(options, 0)
            found = lib.sentence_parse(sentence, options)
            if found <= 0:
                lib.parse_options_set_min_null_count(options, 1)
                lib.parse_options_set_max_null_count(options, len(encoded.split()))
                found = lib.sentence_parse(sentence, options)
            if found <= 0:
                return []
            linkages = (_linkage(lib, sentence, options, i) for i in range(min(count, found)))
            return [p for p in linkages if p is not None]
        finally:
            lib.sentence_delete(sentence)


def _linkage(lib: ctypes.CDLL, sentence: int, options: int, index: int = 0) -> Parse | None:
    linkage = lib.linkage_create(index, sentence, options)
    if not linkage:
        return None
    try:
        count = lib.linkage_get_num_words(linkage)
        words = tuple(lib.linkage_get_word(linkage, i).decode("utf-8", "replace") for i in range(count))
        spans = tuple(
            (lib.linkage_get_word_byte_start(linkage, i), lib.linkage_get_word_byte_end(linkage, i))
            for i in range(count)
        )
        links = tuple(
            Link(
                lib.linkage_get_link_label(linkage, i).decode("ascii", "replace"),
                lib.linkage_get_link_lword(linkage, i),
                lib.linkage_get_link_rword(linkage, i),
            )
            for i in range(lib.linkage_get_num_links(linkage))
        )
        return Parse(words, spans, links, lib.sentence_null_count(sentence))
    finally:
        lib.linkage_delete(linkage)
