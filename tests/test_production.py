"""The production set-up as the README documents it, run for real: with DEBUG off,
`migrate`, `collectstatic`, `check --deploy`, the paper worker (`db_worker`) and gunicorn on
127.0.0.1, asked over real HTTP as the TLS proxy in front of it would ask.

On a PostgreSQL run it uses a fresh PostgreSQL database of its own, on SQLite a file."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
HOST = "assurance.example.org"
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database for the production run, like the run's own but empty."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path}/production.sqlite3"
        return
    import psycopg2

    name = f"assurance_production_{os.getpid()}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=default["USER"],
        password=default["PASSWORD"],
        host=default["HOST"],
        port=default["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{default['PASSWORD']}" if default["PASSWORD"] else ""
    yield f"postgres://{default['USER']}{password}@{default['HOST']}:{default['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def production(tmp_path, database_url):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key != "DATABASE_URL"
    }
    env |= {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-production-secret-key-" + "q" * 40,
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "BEHIND_PROXY": "true",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    return env


def run(env, *args: str, timeout: int = 240) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


class Server:
    def __init__(self, port: int):
        self.port = port

    def get(self, path: str, *, host: str = HOST, https: bool = True, headers: dict | None = None, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": host, "X-Forwarded-For": "192.0.2.10"} | (headers or {})
        if https:
            sent["X-Forwarded-Proto"] = "https"
        connection.request("POST" if body is not None else "GET", path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        connection.close()
        return response, content


@pytest.fixture
def gunicorn(production):
    port = free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "assurance.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=production,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = Server(port)
    deadline = time.monotonic() + 30
    while True:
        try:
            response, _ = server.get("/healthz", host="10.0.0.12", https=False)
            if response.status == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("gunicorn did not start:\n" + process.stdout.read().decode()[-3000:])
        time.sleep(0.2)
    yield server
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_documented_production_set_up_serves_pages_papers_and_static_files(production, request):
    # What the README tells an operator to run, in its order.
    run(production, "migrate", "--no-input")
    run(production, "collectstatic", "--no-input")
    static_root = Path(production["STATIC_ROOT"])
    assert not (static_root / "src").exists() and not list(static_root.rglob("*.scss"))
    assert not list(static_root.rglob("package*.json"))
    assert "no issues" in run(production, "check", "--deploy", "--fail-level", "WARNING")
    administrator = production | {"DJANGO_SUPERUSER_PASSWORD": "violet-harbour-ledger-41"}
    run(
        administrator,
        "createsuperuser",
        "--no-input",
        "--username=head-of-governance",
        "--email=hg@example.org",
    )
    run(production, "clearsessions")
    demo = run(production, "load_demo", "--force")
    assert "cannot sign in" in demo

    server = request.getfixturevalue("gunicorn")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker"],
        cwd=ROOT,
        env=production,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    request.addfinalizer(worker.kill)

    # The load balancer's health check: by IP address, plain HTTP, no cookie.
    response, body = server.get("/healthz", host="10.0.0.12", https=False)
    assert (response.status, body) == (200, b"ok\n") and response.getheader("Set-Cookie") is None

    # Plain HTTP is sent to HTTPS; a host that is not ours is a 400, not a 500.
    response, _ = server.get("/sign-in/", https=False)
    assert response.status == 301 and response.getheader("Location") == f"https://{HOST}/sign-in/"
    response, body = server.get("/sign-in/", host="attacker.example")
    assert response.status == 400 and b"Sorry, there is a problem with your request" in body

    response, body = server.get("/sign-in/")
    page = body.decode()
    assert response.status == 200 and response.getheader("Content-Type") == "text/html; charset=utf-8"
    for header, value in SECURITY_HEADERS.items():
        assert response.getheader(header) == value, header
    assert response.getheader("X-Frame-Options") == "DENY"
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    assert "Secure" in response.getheader("Set-Cookie") and "HttpOnly" not in response.getheader("Set-Cookie")

    # The demo users exist but cannot sign in on a production set-up.
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    form = f"csrfmiddlewaretoken={csrf}&username=admin&password=demo-password-2026"
    response, body = server.get(
        "/sign-in/",
        body=form,
        headers={
            "Cookie": cookie,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/sign-in/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status == 200 and b"Enter a correct username and password" in body

    # The administrator the README has the operator create signs in, then must set up a second factor.
    form = f"csrfmiddlewaretoken={csrf}&username=head-of-governance&password=violet-harbour-ledger-41"
    response, body = server.get(
        "/sign-in/",
        body=form,
        headers={
            "Cookie": cookie,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/sign-in/",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status == 302, body[:2000]
    session = [
        c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") if c.startswith("sessionid")
    ]
    response, _ = server.get("/admin/", headers={"Cookie": session[0]})
    assert response.status == 302 and response.getheader("Location").startswith("/account/two-factor/set-up/")
    response, body = server.get("/account/two-factor/set-up/", headers={"Cookie": session[0]})
    assert response.status == 200 and b"<svg" in body
    assert "no-store" in response.getheader("Cache-Control")

    # A published dashboard, and its panel paper made by the worker.
    response, body = server.get("/published/")
    assert response.status == 200
    dashboard = re.search(r'href="(/published/[^"]+/v\d+/)"', body.decode()).group(1)
    response, body = server.get(dashboard)
    assert response.status == 200 and b"Assurance and performance" in body
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    # The worker makes the paper the publication queued.
    deadline = time.monotonic() + 90
    while True:
        response, body = server.get(dashboard + "paper.pdf")
        if response.getheader("Content-Type") == "application/pdf" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert response.status == 200 and response.getheader("Content-Type") == "application/pdf"
    assert body.startswith(b"%PDF") and "no-store" not in (response.getheader("Cache-Control") or "")

    # Static files under hashed names, compressed, cached for a year, with the security headers.
    stylesheet = re.search(r'href="(/static/css/assurance\.[0-9a-f]{12}\.css)"', page).group(1)
    response, css = server.get(stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Type").replace('"', "") == "text/css; charset=utf-8"
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Strict-Transport-Security") == SECURITY_HEADERS["Strict-Transport-Security"]
    response, _ = server.get(stylesheet, headers={"Accept-Encoding": "br, gzip"})
    assert response.status == 200 and response.getheader("Content-Encoding") == "br"
    response, css = server.get(stylesheet)
    assert response.getheader("Content-Encoding") is None
    references = re.findall(r"url\(([^)]+)\)", css.decode())
    assert references and all(".svg" in r for r in references)
    for reference in references:
        image = (Path(stylesheet).parent / reference.strip("\"'")).as_posix()
        image = os.path.normpath(image)
        response, _ = server.get(image)
        assert response.status == 200, image
        assert response.getheader("Content-Type").startswith("image/svg+xml"), image

    # The Sass sources and package files are nowhere to be had.
    for path in ("/static/src/assurance.scss", "/static/frontend/package.json", "/static/package.json"):
        response, _ = server.get(path)
        assert response.status == 404, path


def test_the_health_check_costs_one_query_and_sets_no_session(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n" and not response.cookies
