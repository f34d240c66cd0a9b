"""What every offline HTML page kg writes shares: the graph (:mod:`kg.viz`) and the map (:mod:`kg.map`).

Each page is one file that opens from disk and loads nothing: its scripts and data are inlined,
data as JSON that cannot end its ``<script>`` element, code refused if it could, a
Content-Security-Policy that lets only those scripts run (by hash), the shared DOM helpers
(``templates/dom.js``: text only, never markup) ahead of each page's own script, a write that
replaces the file whole, and an iframe for notebooks.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import tempfile
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

from kg.errors import KGError

__all__ = ["HtmlPage", "app_script", "inline", "policy", "save_page", "script_json", "template", "without_source_map"]

TEMPLATES = "templates"


def script_json(data: object) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` can end it or open a comment.

    >>> script_json({"label": "</script><!--x-->&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003c!--x--\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def inline(text: str, element: str) -> Any:
    """Code already safe where a template puts it, so not escaped again; refused if it could end its element.

    >>> inline("</script>", "script")
    Traceback (most recent call last):
    ValueError: inline code must not contain '</script' or '<!--' (it would end its element)
    """
    from markupsafe import Markup

    if re.search(rf"</{element}|<!--", text, flags=re.IGNORECASE):
        raise ValueError(f"inline code must not contain '</{element}' or '<!--' (it would end its element)")
    return Markup(text)


def policy(scripts: Sequence[str], *, images: str = "data:") -> str:
    """Only the page's own inline ``scripts`` run (by hash), and nothing is fetched from anywhere.

    ``images`` is the page's ``img-src``: ``data:`` for vis-network's inline icons, ``'none'`` for
    a page that draws no image at all.
    """
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src {images}; "
        "base-uri 'none'; form-action 'none'"
    )


def without_source_map(code: str) -> str:
    """Vendored code without its trailing source-map comment, which points at a file the page does not have.

    >>> without_source_map("var a;\\n//# sourceMappingURL=a.js.map")
    'var a;\\n'
    """
    for marker in ("//# sourceMappingURL=", "/*# sourceMappingURL="):
        if marker in code:
            code = code[: code.rfind(marker)]
    return code


@cache
def app_script(name: str) -> str:
    """A page's own script (``templates/NAME``) with the shared DOM helpers (``templates/dom.js``) ahead of it."""
    folder = resources.files(__package__) / TEMPLATES
    return (folder / "dom.js").read_text(encoding="utf-8") + "\n" + (folder / name).read_text(encoding="utf-8")


@cache
def template(name: str) -> Any:
    """The Jinja template ``templates/NAME``, autoescaping, failing on an undefined name."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader(__package__, TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template(name)


def save_page(page: str, path: Path | str) -> Path:
    """Write an HTML page to ``path`` whole: a temporary file beside it renamed over it, never a half page."""
    target = Path(path)
    try:
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise KGError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(page)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise KGError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


class HtmlPage:
    """What a rendered page does: ``str(page)`` is the HTML, ``save`` writes it, notebooks show it inline.

    A mixin for the pages' frozen dataclasses, which hold ``html`` and ``title`` and what they
    count; each says how tall and how sandboxed its notebook frame is.
    """

    html: str
    title: str
    FRAME_HEIGHT: ClassVar[int] = 640
    SANDBOX: ClassVar[str] = "allow-scripts"

    def __str__(self) -> str:
        return self.html

    def save(self, path: Path | str) -> Path:
        """Write the page to ``path`` whole: a temporary file beside it renamed over it, never a half page."""
        return save_page(self.html, path)

    def _repr_html_(self) -> str:
        """An iframe holding the page (escaped into ``srcdoc``), sandboxed away from the notebook."""
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="{html.escape(self.title, quote=True)}" '
            f'style="width:100%;height:{self.FRAME_HEIGHT}px;border:1px solid #ddd" sandbox="{self.SANDBOX}"></iframe>'
        )
