"""The text of a data file as people hand it over: zipped or not, with or without a byte-order mark, UTF-8 or not.

ACLED's older exports were saved from Excel in Windows-1252 and shipped zipped; pandas and Excel
write a UTF-8 byte-order mark; GDELT ships its files zipped. :func:`read` returns the text with
the mark removed and says what it did (which member of a zip, which encoding), so an import can
tell the user and save a plain UTF-8 copy that every later build reads the same way. What it
cannot read it refuses with the file, the line and the byte: an Excel workbook, a binary file,
a zip of several tables, bytes that are neither UTF-8 nor Windows-1252.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from kg.errors import DataError

__all__ = ["MAX_BYTES", "STREAM_ABOVE", "Source", "Text", "open_source", "read"]

MAX_BYTES = 2_000_000_000
"""The most a file (or the table inside a zip) may hold, unpacked: a zip bomb is refused, not unpacked."""

STREAM_ABOVE = 32_000_000
"""Files (unpacked) larger than this are read a line at a time, never held whole: :func:`open_source`."""

_TABLES = (".csv", ".tsv", ".txt", ".tab")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Text:
    """A file's text and how it was read."""

    text: str
    encoding: str
    """The codec the bytes were decoded with (``utf-8``, ``utf-8-sig``, ``cp1252``, or as given)."""
    member: str | None = None
    """The member of a zip or gzip file the text came from."""
    note: str | None = None
    """What the user should be told about how the file was read, if anything was unusual."""

    @property
    def plain(self) -> bool:
        """True when the file's bytes are this text in UTF-8 as they stand (no zip, no mark, no other encoding)."""
        return self.member is None and self.encoding == "utf-8"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (1-based, counted in bytes) of byte ``offset``."""
    return data.count(b"\n", 0, offset) + 1, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _unpack(path: Path, data: bytes, display: str) -> tuple[bytes, str | None]:
    """The table inside a zip or gzip file, or ``data`` itself."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise DataError(
            f"{display}: an Excel 97-2003 workbook (.xls), not a table of text; save it as CSV and import that"
        )
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path) as handle:
                inner = handle.read(MAX_BYTES + 1)
        except (OSError, EOFError) as exc:
            raise DataError(f"{display}: not a readable gzip file ({exc})") from None
        if len(inner) > MAX_BYTES:
            raise DataError(f"{display}: unpacks to more than {MAX_BYTES:,} bytes; unpack it and split it first")
        return inner, path.name.removesuffix(".gz")
    if data[:4] != b"PK\x03\x04":
        return data, None
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise DataError(f"{display}: not a readable zip file ({exc})") from None
    with archive:
        member = _table(archive, display)
        try:
            with archive.open(member) as handle:
                inner = handle.read(MAX_BYTES + 1)
        except (RuntimeError, zipfile.BadZipFile, NotImplementedError, OSError) as exc:
            raise DataError(f"{display}: cannot unpack {member.filename}: {exc}") from None
    if len(inner) > MAX_BYTES:
        raise DataError(f"{display}: {member.filename} unpacks to more than {MAX_BYTES:,} bytes")
    return inner, member.filename


def read(path: Path, *, encoding: str | None = None, display: str | None = None) -> Text:
    """The text of ``path`` (or of the one table zipped in it), decoded; errors name the file, line and byte.

    Without ``encoding``, UTF-8 (with or without a byte-order mark, or UTF-16 with one) is read
    as such, and anything else as Windows-1252 when every byte is valid in it, which the
    returned note says. Positions in messages count bytes of the (unpacked) file from 0.
    """
    display = display or str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DataError(
                f"{display}: {path.stat().st_size:,} bytes, above the {MAX_BYTES:,} kg reads at once; split it"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{display}: cannot read: {exc.strerror or exc}") from None
    data, member = _unpack(path, data, display)
    where = f"{display} ({member})" if member else display
    notes = [f"read {member} from the archive"] if member else []
    if encoding is not None:
        _known_codec(encoding)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line, column = _position(data, exc.start)
            raise DataError(
                f"{where}:{line}: not {encoding} text: byte 0x{data[exc.start]:02X} at byte {exc.start:,} "
                f"(column {column})"
            ) from None
        return Text(text.removeprefix("\ufeff"), encoding, member, "; ".join([*notes, f"read as {encoding}"]))
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataError(f"{where}: not UTF-16 text although it starts with a UTF-16 mark ({exc.reason})") from None
        return Text(text.removeprefix("\ufeff"), "utf-16", member, "; ".join([*notes, "read as UTF-16"]))
    if b"\x00" in data[:65536]:
        at = data.index(b"\x00")
        line, column = _position(data, at)
        raise DataError(f"{where}:{line}: a binary file, not text (a NUL byte at byte {at:,}, column {column})")
    mark = data.startswith(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8-sig" if mark else "utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        bad = f"byte 0x{data[exc.start]:02X} at byte {exc.start:,} (line {line}, column {column})"
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as second:
            line, column = _position(data, second.start)
            raise DataError(
                f"{where}:{line}: neither UTF-8 nor Windows-1252 text: byte 0x{data[second.start]:02X} at byte "
                f"{second.start:,} (column {column}); name its encoding with --encoding (such as latin-1 or utf-16)"
            ) from None
        notes.append(f"read as Windows-1252: not UTF-8 ({bad}); if that is wrong, name the encoding with --encoding")
        return Text(text, "cp1252", member, "; ".join(notes))
    if mark:
        notes.append("a UTF-8 byte-order mark was set aside")
    return Text(text, "utf-8-sig" if mark else "utf-8", member, "; ".join(notes) or None)


@dataclass(frozen=True)
class Source:
    """A data file to read as lines, as often as needed, without holding its text (see :func:`open_source`).

    Small files are read once and kept as text; large ones are decoded from disk (or from their
    archive) on each :meth:`lines`, with the encoding settled once by a first pass.
    """

    path: Path
    encoding: str
    member: str | None = None
    note: str | None = None
    text: str | None = None
    """The whole text, for a file small enough to keep."""
    size: int = 0
    """Bytes of the (unpacked) file."""

    @property
    def plain(self) -> bool:
        """True when the file's bytes are this text in UTF-8 as they stand (no zip, no mark, no other encoding)."""
        return self.member is None and self.encoding == "utf-8"

    def lines(self) -> Iterator[str]:
        """The file's lines with their ends (as ``open(newline="")`` gives them; a byte-order mark set aside)."""
        if self.text is not None:
            yield from io.StringIO(self.text, newline="")
            return
        with _binary(self.path, self.member) as raw:
            stream = io.TextIOWrapper(raw, encoding=self.encoding, newline="")
            first = True
            for line in stream:
                yield line.removeprefix("\ufeff") if first else line
                first = False

    def copy_to(self, target: Path) -> None:
        """Write the text to ``target`` as UTF-8, a chunk at a time (the bytes as they are when :attr:`plain`)."""
        if self.plain:
            import shutil

            shutil.copyfile(self.path, target)
            return
        with target.open("w", encoding="utf-8", newline="") as out:
            for line in self.lines():
                out.write(line)


@contextlib.contextmanager
def _binary(path: Path, member: str | None) -> Iterator[BinaryIO]:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if member is None:
        with path.open("rb") as handle:
            yield handle
    elif magic[:2] == b"\x1f\x8b":
        with gzip.open(path) as handle:
            yield handle  # type: ignore[misc]
    else:
        with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
            yield handle  # type: ignore[misc]


def _unpacked_size(path: Path, display: str) -> tuple[int, str | None]:
    """How many bytes the table in ``path`` holds unpacked, and its member name for an archive; refuses what
    :func:`read` refuses (workbooks, zips of several tables) without unpacking anything."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head[:2] == b"\x1f\x8b":
        size = 0
        with gzip.open(path) as handle:
            while chunk := handle.read(_CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise DataError(
                        f"{display}: unpacks to more than {MAX_BYTES:,} bytes; unpack it and split it first"
                    )
        return size, path.name.removesuffix(".gz")
    if head != b"PK\x03\x04":
        return path.stat().st_size, None
    try:
        member = _member(path, display)
    except zipfile.BadZipFile as exc:
        raise DataError(f"{display}: not a readable zip file ({exc})") from None
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo(member).file_size, member  # type: ignore[arg-type]


def _known_codec(encoding: str) -> None:
    """Refuse an encoding Python does not know, naming some it does."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        known = "Python's names work, such as cp1252, latin-1, utf-16"
        raise DataError(f"unknown encoding {encoding!r}; {known}") from None


def _member(path: Path, display: str) -> str:
    """The one table in a large zip, by the rules of :func:`_unpack`, without reading it."""
    with zipfile.ZipFile(path) as archive:
        return _table(archive, display).filename


def _table(archive: zipfile.ZipFile, display: str) -> zipfile.ZipInfo:
    """The one table of text in a zip (macOS's and hidden files aside), or why it has none or several."""
    names = [i for i in archive.infolist() if not i.is_dir()]
    names = [i for i in names if not i.filename.startswith("__MACOSX/") and not Path(i.filename).name.startswith(".")]
    if any(i.filename == "xl/workbook.xml" for i in names):
        raise DataError(f"{display}: an Excel workbook (.xlsx), not a table of text; save it as CSV and import that")
    tables = [i for i in names if i.filename.lower().endswith(_TABLES)] if len(names) > 1 else names
    if len(tables) != 1:
        listed = ", ".join(i.filename for i in names[:8]) or "nothing"
        raise DataError(
            f"{display}: a zip of {len(names)} files ({listed}); kg imports one table at a time: unzip it "
            "and import each file"
        )
    [member] = tables
    if member.file_size > MAX_BYTES:
        raise DataError(f"{display}: {member.filename} unpacks to {member.file_size:,} bytes, above {MAX_BYTES:,}")
    return member


def _settle_encoding(path: Path, member: str | None, display: str, encoding: str | None) -> tuple[str, list[str]]:
    """The codec a large file decodes with, found as :func:`read` finds it, in one pass of 1 MB chunks;
    errors name the line and byte as :func:`read`'s do."""
    where = f"{display} ({member})" if member else display
    with _binary(path, member) as raw:
        head = raw.read(4)
    if encoding is None and head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        candidates = ["utf-16"]
    elif encoding is not None:
        _known_codec(encoding)
        candidates = [encoding]
    else:
        candidates = ["utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8", "cp1252"]
    failures: list[tuple[int, int, int, int]] = []  # byte, offset, line, column

    def described(byte: int, offset: int, line: int, column: int) -> str:
        return f"byte 0x{byte:02X} at byte {offset:,} (line {line}, column {column})"

    for codec in candidates:
        decoder = codecs.getincrementaldecoder(codec)()
        offset = lines = 0
        last_newline = -1  # absolute offset of the last newline before the chunk
        with _binary(path, member) as raw:
            try:
                while True:
                    chunk = raw.read(_CHUNK)
                    if offset == 0 and codec != "utf-16" and b"\x00" in chunk[:65536] and encoding is None:
                        at = chunk.index(b"\x00")
                        line, column = _position(chunk, at)
                        raise DataError(
                            f"{where}:{line}: a binary file, not text (a NUL byte at byte {at:,}, column {column})"
                        )
                    try:
                        decoder.decode(chunk, final=not chunk)
                    except UnicodeDecodeError as exc:
                        start = max(exc.start, 0)
                        before = chunk.rfind(b"\n", 0, start)
                        column = start - before if before >= 0 else offset + start - last_newline
                        line = lines + chunk.count(b"\n", 0, start) + 1
                        failures.append((chunk[start], offset + start, line, column))
                        raise
                    if not chunk:
                        break
                    if (newline := chunk.rfind(b"\n")) >= 0:
                        last_newline = offset + newline
                    offset += len(chunk)
                    lines += chunk.count(b"\n")
            except UnicodeDecodeError:
                continue
        notes = [f"read {member} from the archive"] if member else []
        if encoding is not None:
            notes.append(f"read as {encoding}")
        elif codec == "utf-16":
            notes.append("read as UTF-16")
        elif codec == "cp1252":
            notes.append(
                f"read as Windows-1252: not UTF-8 ({described(*failures[0])}); "
                "if that is wrong, name the encoding with --encoding"
            )
        elif codec == "utf-8-sig":
            notes.append("a UTF-8 byte-order mark was set aside")
        return codec, notes
    byte, at, line, column = failures[-1]
    if encoding is not None:
        raise DataError(f"{where}:{line}: not {encoding} text: byte 0x{byte:02X} at byte {at:,} (column {column})")
    raise DataError(
        f"{where}:{line}: neither UTF-8 nor Windows-1252 text: byte 0x{byte:02X} at byte {at:,} (column {column}); "
        "name its encoding with --encoding (such as latin-1 or utf-16)"
    )


def open_source(path: Path, *, encoding: str | None = None, display: str | None = None) -> Source:
    """``path`` as a :class:`Source` of lines: read whole (:func:`read`) when it is small, else streamed.

    Either way the same files are refused with the same reasons, and the same encodings found;
    a large file costs one decoding pass here and one per :meth:`Source.lines`, and memory for
    a chunk, not for the file.
    """
    display = display or str(path)
    try:
        size, member = _unpacked_size(path, display)
    except OSError as exc:
        raise DataError(f"{display}: cannot read: {exc.strerror or exc}") from None
    if size <= STREAM_ABOVE:
        text = read(path, encoding=encoding, display=display)
        return Source(path, text.encoding, text.member, text.note, text.text, size)
    with path.open("rb") as handle:
        if handle.read(4) == b"\xd0\xcf\x11\xe0":
            raise DataError(
                f"{display}: an Excel 97-2003 workbook (.xls), not a table of text; save it as CSV and import that"
            )
    if member is None and size > MAX_BYTES:
        raise DataError(f"{display}: {size:,} bytes, above the {MAX_BYTES:,} kg reads at once; split it")
    codec, notes = _settle_encoding(path, member, display, encoding)
    return Source(path, codec, member, "; ".join(notes) or None, None, size)
