"""The pages' catalogues: Chinese complete, the compiled files up to date with their sources."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "api" / "web" / "translations"


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def test_every_message_of_the_pages_has_a_chinese_translation():
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = read_po(f)
    chinese = _catalog("zh_Hans_CN")
    untranslated = [m.id for m in template if m.id and not (chinese.get(m.id) and chinese.get(m.id).string)]
    assert untranslated == []


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_compiled_catalogue_matches_its_source(locale):
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(locale))
    assert (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo").read_bytes() == compiled.getvalue()
