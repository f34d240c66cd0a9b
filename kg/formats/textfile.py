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
import gzip
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kg.errors import DataError

__all__ = ["MAX_BYTES", "Text", "read"]

MAX_BYTES = 2_000_000_000
"""The most a file (or the table inside a zip) may hold, unpacked: a zip bomb is refused, not unpacked."""

_TABLES = (".csv", ".tsv", ".txt", ".tab")


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
        names = [i for i in archive.infolist() if not i.is_dir()]
        names = [
            i for i in names if not i.filename.startswith("__MACOSX/") and not Path(i.filename).name.startswith(".")
        ]
        if any(i.filename == "xl/workbook.xml" for i in names):
            raise DataError(
                f"{display}: an Excel workbook (.xlsx), not a table of text; save it as CSV and import that"
            )
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
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(
                f"unknown encoding {encoding!r}; Python's names work, such as cp1252, latin-1, utf-16"
            ) from None
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
