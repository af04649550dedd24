"""Settings an operator gives through the environment, checked in a process of their own:
a read replica for visitors, papers in S3-compatible object storage, secrets from files."""

import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

REPLICA_PROBE = """
import json, django
from django.conf import settings
class NoMigrations(dict):
    def __contains__(self, app):
        return True
    def __getitem__(self, app):
        return None
# The tables straight from the models: quicker than running every migration.
settings.MIGRATION_MODULES = NoMigrations()
django.setup()
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
from tests.factories import make_user
from assurance.permissions import Role
call_command("migrate", run_syncdb=True, verbosity=0)
editor = make_user(Role.EDITOR)
def reads(client, method, path):
    with CaptureQueriesContext(connections["default"]) as primary, \\
            CaptureQueriesContext(connections["replica"]) as replica:
        status = getattr(client, method)(path).status_code
    return {"status": status, "primary": len(primary), "replica": len(replica)}
staff = Client()
staff.force_login(editor)
print(json.dumps({
    "visitor": reads(Client(), "get", "/published/"),
    "visitor_post": reads(Client(), "post", "/sign-in/"),
    "staff": reads(staff, "get", "/published/"),
}))
"""


def run_python(code: str, env: dict) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "assurance.settings"} | env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def test_visitors_read_from_the_replica_and_staff_and_writes_use_the_primary(tmp_path):
    # Both names point at one file here: what matters is which connection each request uses.
    database = f"sqlite:///{tmp_path}/primary.sqlite3"
    env = {"DATABASE_URL": database, "DATABASE_REPLICA_URL": database}
    found = json.loads(run_python(REPLICA_PROBE, env))
    assert found["visitor"]["status"] == 200
    assert found["visitor"]["replica"] > 0 and found["visitor"]["primary"] == 0
    assert found["visitor_post"]["replica"] == 0
    assert found["staff"]["status"] == 200
    assert found["staff"]["replica"] == 0 and found["staff"]["primary"] > 0


OPERATOR_VARIABLES = [
    "DATABASE_URL",
    "DATABASE_URL_FILE",
    "DATABASE_REPLICA_URL",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "MEDIA_ROOT",
    "STORAGE_BUCKET",
    "STORAGE_ENDPOINT_URL",
    "STORAGE_REGION",
    "STORAGE_ACCESS_KEY_ID",
    "STORAGE_SECRET_ACCESS_KEY",
    "STORAGE_SECRET_ACCESS_KEY_FILE",
    "STORAGE_PREFIX",
]


def settings_from(monkeypatch, **env: str) -> dict:
    """The settings module as it reads this environment, run afresh."""
    for name in OPERATOR_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "assurance" / "settings.py"))


def test_papers_go_to_object_storage_when_a_bucket_is_named(monkeypatch, tmp_path):
    from django.utils.module_loading import import_string

    (tmp_path / "secret").write_text("a-secret-access-key\n")
    found = settings_from(
        monkeypatch,
        STORAGE_BUCKET="opcc-papers",
        STORAGE_ENDPOINT_URL="https://objects.example.org",
        STORAGE_REGION="eu-west-2",
        STORAGE_ACCESS_KEY_ID="an-access-key",
        STORAGE_SECRET_ACCESS_KEY_FILE=str(tmp_path / "secret"),
        STORAGE_PREFIX="assurance",
    )
    default = found["STORAGES"]["default"]
    storage = import_string(default["BACKEND"])(**default["OPTIONS"])
    assert type(storage).__name__ == "S3Storage"
    assert (storage.bucket_name, storage.endpoint_url, storage.region_name) == (
        "opcc-papers",
        "https://objects.example.org",
        "eu-west-2",
    )
    assert (storage.access_key, storage.secret_key) == ("an-access-key", "a-secret-access-key")
    assert (storage.location, storage.default_acl, storage.file_overwrite) == ("assurance", "private", False)
    # Papers are private: their addresses are signed and expire.
    url = storage.url("papers/paper.pdf")
    assert url.startswith("https://objects.example.org/opcc-papers/assurance/papers/paper.pdf?")
    assert "Signature=" in url or "X-Amz-Signature=" in url


def test_without_a_bucket_papers_are_files_under_media_root(monkeypatch, tmp_path):
    found = settings_from(monkeypatch, MEDIA_ROOT=str(tmp_path / "media"))
    assert found["STORAGES"]["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert found["MEDIA_ROOT"] == tmp_path / "media"


def test_the_database_url_and_secret_key_can_come_from_files(monkeypatch, tmp_path):
    (tmp_path / "url").write_text(f"sqlite:///{tmp_path}/from-file.sqlite3\n")
    (tmp_path / "key").write_text("k" * 60 + "\n")
    found = settings_from(
        monkeypatch, DATABASE_URL_FILE=str(tmp_path / "url"), SECRET_KEY_FILE=str(tmp_path / "key")
    )
    assert str(found["DATABASES"]["default"]["NAME"]) == f"{tmp_path}/from-file.sqlite3"
    assert found["SECRET_KEY"] == "k" * 60


def test_the_readme_documents_every_environment_variable_the_settings_read():
    import re

    source = (ROOT / "assurance" / "settings.py").read_text()
    names = set(re.findall(r'(?:envbool|envsecret|envlist|os\.environ\.get)\("([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Environment variables") : readme.index("## Backups and restore")]
    assert len(names) > 20
    assert sorted(name for name in names if f"`{name}" not in table) == []
