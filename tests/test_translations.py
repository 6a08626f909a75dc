"""The directory in Spanish (issue 20): every string marked and translated, English at the
root and Spanish under /es/, the switch, the remembered choice and Accept-Language."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from tests.i18n_check import unmarked, unmarked_text_lines

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Templates read in one language only, and why.
ONE_LANGUAGE = {
    # Developer documentation at one address (/api/, outside i18n_patterns): its parameters,
    # field names and examples are the API's own, in English.
    "opendata/api_docs.html",
}
# The Django admin stays at one English address (/admin/) for the directory's own
# moderators and administrators; clinic staff work at /manage/ and moderators at
# /moderation/, both translated.
ONE_LANGUAGE_DIRS = ("admin/",)


def _templates():
    for path in sorted(TEMPLATES.rglob("*")):
        name = path.relative_to(TEMPLATES).as_posix()
        readable = path.suffix in (".html", ".txt") and name not in ONE_LANGUAGE
        if readable and not name.startswith(ONE_LANGUAGE_DIRS):
            yield name


@pytest.mark.parametrize("name", list(_templates()))
def test_every_template_string_is_marked_for_translation(name):
    source = (TEMPLATES / name).read_text()
    found = unmarked_text_lines(source) if name.endswith(".txt") else unmarked(source)
    assert not found, f"{name}: wrap in {{% translate %}} / {{% blocktranslate %}}: {found}"


def test_the_check_finds_unmarked_words():
    """The check above can fail: text, attributes people read and literals passed to tags."""
    assert unmarked("<p>Find a provider</p>") == ["Find a provider"]
    assert unmarked('<img alt="Map of results" src="{{ x }}">') == ["Map of results"]
    assert unmarked('{{ value|default:"Not stated" }}') == ["Not stated"]
    assert unmarked('{% include "x.html" with label="Your email" %}') == ["Your email"]
    assert unmarked('{% load i18n %}<p>{% translate "Find" %} {{ n }}</p>') == []
    assert unmarked("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []
    assert unmarked('{{ value|default:_("Not stated") }}') == []


def _messages(path):
    with path.open("rb") as f:
        return read_po(f)


def test_the_spanish_catalogue_is_complete():
    """No untranslated or fuzzy entry (what `msgfmt --statistics` would count)."""
    catalogue = _messages(CATALOGUE)
    assert not catalogue.fuzzy
    missing = [
        m.id
        for m in catalogue
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert not missing, f"{len(missing)} untranslated or fuzzy: {missing[:20]}"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext (xgettext) not installed")
def test_the_catalogue_holds_every_marked_string(tmp_path):
    """makemessages on a copy of the code finds no string the committed catalogue lacks."""
    for part in ("clinics", "directory", "templates", "locale"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=tmp_path,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    fresh = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in _messages(tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po")
        if m.id
    }
    committed = {
        (m.context, m.id if isinstance(m.id, str) else m.id[0])
        for m in _messages(CATALOGUE)
        if m.id
    }
    assert not fresh - committed, (
        f"run `make messages` and translate: {sorted(fresh - committed)[:20]}"
    )


@pytest.mark.django_db
def test_the_reference_words_file_is_in_step_with_the_data():
    """clinics/reference_text.py lists every route, condition, payment and payer word."""
    from django.core.management import call_command

    call_command("reference_text", "--check")
