"""The database itself refuses a public action raised at a closed-session item.

A CHECK constraint cannot look at another table, so triggers do it: an action must be
restricted when its agenda item is, and an item cannot move into the closed part while it
still has public actions (the application restricts them first).
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER meetings_action_closed_session_insert BEFORE INSERT ON meetings_action
    WHEN NEW.visibility <> 'restricted'
     AND (SELECT visibility FROM meetings_agendaitem WHERE id = NEW.item_id) = 'restricted'
    BEGIN SELECT RAISE(ABORT, 'meetings_action_closed_session_restricted'); END
    """,
    """
    CREATE TRIGGER meetings_action_closed_session_update BEFORE UPDATE ON meetings_action
    WHEN NEW.visibility <> 'restricted'
     AND (SELECT visibility FROM meetings_agendaitem WHERE id = NEW.item_id) = 'restricted'
    BEGIN SELECT RAISE(ABORT, 'meetings_action_closed_session_restricted'); END
    """,
    """
    CREATE TRIGGER meetings_agendaitem_closed_session_update BEFORE UPDATE ON meetings_agendaitem
    WHEN NEW.visibility = 'restricted'
     AND EXISTS (SELECT 1 FROM meetings_action WHERE item_id = NEW.id AND visibility <> 'restricted')
    BEGIN SELECT RAISE(ABORT, 'meetings_action_closed_session_restricted'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS meetings_action_closed_session_insert",
    "DROP TRIGGER IF EXISTS meetings_action_closed_session_update",
    "DROP TRIGGER IF EXISTS meetings_agendaitem_closed_session_update",
]

POSTGRESQL = [
    """
    CREATE FUNCTION meetings_action_closed_session() RETURNS trigger AS $$
    BEGIN
      IF NEW.visibility <> 'restricted' AND EXISTS (
        SELECT 1 FROM meetings_agendaitem WHERE id = NEW.item_id AND visibility = 'restricted'
      ) THEN
        RAISE EXCEPTION 'meetings_action_closed_session_restricted' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER meetings_action_closed_session BEFORE INSERT OR UPDATE ON meetings_action
    FOR EACH ROW EXECUTE FUNCTION meetings_action_closed_session()
    """,
    """
    CREATE FUNCTION meetings_agendaitem_closed_session() RETURNS trigger AS $$
    BEGIN
      IF NEW.visibility = 'restricted' AND EXISTS (
        SELECT 1 FROM meetings_action WHERE item_id = NEW.id AND visibility <> 'restricted'
      ) THEN
        RAISE EXCEPTION 'meetings_action_closed_session_restricted' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER meetings_agendaitem_closed_session BEFORE UPDATE ON meetings_agendaitem
    FOR EACH ROW EXECUTE FUNCTION meetings_agendaitem_closed_session()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS meetings_agendaitem_closed_session ON meetings_agendaitem",
    "DROP FUNCTION IF EXISTS meetings_agendaitem_closed_session()",
    "DROP TRIGGER IF EXISTS meetings_action_closed_session ON meetings_action",
    "DROP FUNCTION IF EXISTS meetings_action_closed_session()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
