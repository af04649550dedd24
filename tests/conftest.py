"""Personas and shared fixtures: one signed-in client per role, plus an outsider who is
signed in but holds no role, and an anonymous visitor."""

import shutil
import subprocess

import pytest
from django.test import Client

from assurance.permissions import Role
from tests.factories import make_user

ROLE_OF = {
    "panel": Role.PANEL,
    "editor": Role.EDITOR,
    "publisher": Role.PUBLISHER,
    "administrator": Role.ADMINISTRATOR,
    "outsider": None,
}
PERSONAS = ["anonymous", *ROLE_OF]


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords properly is the slowest part of signing in; tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_caches():
    # A published page is cached by a key made of ids and dates, which a database rolled back
    # between tests hands out again: each test starts with empty caches.
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture
def persona_client(db):
    """persona_client("editor") -> a Client signed in as a fresh user of that role."""

    def make(persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.user = make_user(ROLE_OF[persona], username=f"{persona}-{make_user.__name__}-{id(client)}")
            client.force_login(client.user)
        else:
            client.user = None
        return client

    return make


@pytest.fixture
def editor(db):
    return make_user(Role.EDITOR, username="an-editor", first_name="Performance", last_name="Officer")


@pytest.fixture
def publisher(db):
    return make_user(Role.PUBLISHER, username="a-publisher", first_name="Chief", last_name="Executive")


@pytest.fixture
def panel_member(db):
    return make_user(Role.PANEL, username="a-panel-member")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(publisher):
    client = Client()
    client.force_login(publisher)
    return client


@pytest.fixture
def panel_client(panel_member):
    client = Client()
    client.force_login(panel_member)
    return client


requires_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext is not installed"
)


def pdf_text(pdf: bytes, *options: str) -> str:
    """A PDF's text layer as pdftotext reads it, with its options ("-layout", "-raw")."""
    return subprocess.run(  # noqa: S603 - a system tool, fixed arguments
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def one_line(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces: words a column
    wrapped read as they were written."""
    return " ".join(text.split())


requires_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
