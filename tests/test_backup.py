"""Backup and restore as the README documents it: `dumpdata`/`loaddata` on SQLite,
`pg_dump`/`pg_restore` on PostgreSQL. A round trip gives back every record, its history
and the publications exactly."""

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from assurance.models import Publication, Rag
from assurance.permissions import Role
from assurance.publishing import publication_publish
from delivery_plans.models import ProgressUpdate
from tests.delivery_plans.factories import make_update
from tests.factories import make_organisation, make_period, make_user
from tests.meetings.factories import make_action
from tests.publishing_factories import make_cover_report

ROOT = Path(__file__).resolve().parent.parent
# The README's backup command, less the file it writes.
DUMPDATA = [
    "dumpdata",
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
    "--indent=1",
]
POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def records_with_history() -> None:
    """Records edited twice by two people, an action, and a published quarter."""
    editor = make_user(Role.EDITOR, username="performance-officer")
    update = make_update()
    for rag, text in ((Rag.AMBER, "Plan being refreshed"), (Rag.GREEN, "Refreshed and agreed")):
        update.rag, update.text = rag, text
        update._history_user = editor
        update.save()
    make_action()
    # The paper waits for its worker: the backup keeps the publication and its pending paper.
    organisation, period = make_organisation(kind="opcc"), make_period(2016, 3)
    make_cover_report(organisation, period)
    publication_publish(
        organisation=organisation, period=period, by=make_user(Role.PUBLISHER), warnings_acknowledged=True
    )


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def environment(database_url: str, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    return env | {"DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp_path / "media"), "DEBUG": "true"}


def as_data(dump: str) -> list[dict]:
    return json.loads(dump)


def assert_same(before: list[dict], after: list[dict]) -> None:
    models = {row["model"] for row in before}
    assert {"assurance.publication", "delivery_plans.historicalprogressupdate", "meetings.action"} <= models
    assert len(after) == len(before)
    assert after == before


@pytest.mark.skipif(POSTGRESQL, reason="the SQLite procedure; PostgreSQL runs test_pg_dump_round_trip")
def test_dumpdata_round_trip_restores_records_history_and_publications(db, tmp_path):
    records_with_history()
    backup = tmp_path / "backup.json"
    call_command(*DUMPDATA, f"--output={backup}", stdout=StringIO())
    before = as_data(backup.read_text())

    env = environment(f"sqlite:///{tmp_path}/restored.sqlite3", tmp_path)
    manage(env, "migrate", "--no-input")
    manage(env, "loaddata", str(backup))
    after = as_data(manage(env, *DUMPDATA))
    assert_same(before, after)
    publication = next(r for r in after if r["model"] == "assurance.publication")
    assert publication["fields"]["snapshot"] == Publication.objects.get().snapshot
    history = [r for r in after if r["model"] == "delivery_plans.historicalprogressupdate"]
    assert len(history) == ProgressUpdate.history.count() == 3
    assert [h["fields"]["history_user"] for h in history].count(["performance-officer"]) == 2


@pytest.mark.skipif(not POSTGRESQL, reason="needs PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_pg_dump_round_trip_restores_records_history_and_publications(transactional_db, tmp_path):
    records_with_history()
    before = StringIO()
    call_command(*DUMPDATA, stdout=before)

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    server = f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    restored = f"{db['NAME']}_restored"
    backup = tmp_path / "assurance.dump"
    env = environment(f"{server}/{restored}", tmp_path)
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={backup}", f"{server}/{db['NAME']}"],
        check=True,
    )
    subprocess.run(["dropdb", "--if-exists", f"--maintenance-db={server}/postgres", restored], check=True)
    subprocess.run(["createdb", f"--maintenance-db={server}/postgres", restored], check=True)
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={server}/{restored}", str(backup)],
            check=True,
        )
        after = as_data(manage(env, *DUMPDATA))
        # The restored database needs no migration: it is the same schema, triggers and all.
        assert "No planned migration operations" in manage(env, "migrate", "--plan")
    finally:
        subprocess.run(["dropdb", "--force", f"--maintenance-db={server}/postgres", restored], check=True)
    assert_same(as_data(before.getvalue()), after)
