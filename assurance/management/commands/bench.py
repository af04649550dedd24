"""`make bench`: the measured speed targets, each printed beside its target.

Each scale runs in its own process on its own fresh SQLite database, so the figures of one
do not warm the caches of the other.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assurance import registry

RUNS = 5


def timed(fn, runs: int = RUNS) -> tuple[float, int]:
    """Median seconds over several runs, and the queries of one run."""
    fn()  # warm up templates and connections
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), queries


class Command(BaseCommand):
    help = "Measure the speed targets and print each figure beside its target."

    def add_arguments(self, parser):
        parser.add_argument("--measure-scale", type=int, help=argparse_hidden())
        parser.add_argument("--measure-paper", action="store_true", help=argparse_hidden())

    def handle(self, *args, measure_scale=None, measure_paper=False, **options):
        if measure_paper:
            return self.measure_paper()
        if measure_scale:
            return self.measure(measure_scale)
        return self.orchestrate()

    # -- the parent process ------------------------------------------------------------
    def orchestrate(self):
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            for scale in (1, 10):
                env = {
                    **os.environ,
                    "DATABASE_URL": f"sqlite:///{Path(folder) / f'bench-{scale}.sqlite3'}",
                    "MEDIA_ROOT": str(Path(folder) / f"media-{scale}"),
                    "DEBUG": "true",
                }
                self.stdout.write(f"Loading the demo data at scale {scale}...")
                out = subprocess.run(
                    [sys.executable, "manage.py", "bench", "--measure-scale", str(scale)],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if out.returncode != 0:
                    self.stderr.write(out.stdout + out.stderr)
                    raise SystemExit(out.returncode)
                results[scale] = json.loads(out.stdout.strip().splitlines()[-1])
        one, ten = results[1], results[10]
        rows = [
            (
                "Dashboard queries, scale 1 / scale 10",
                f"{one['dashboard_queries']} / {ten['dashboard_queries']}",
                "equal",
                one["dashboard_queries"] == ten["dashboard_queries"],
            ),
            ("Dashboard time, scale 1", f"{one['dashboard_s'] * 1000:.0f} ms", "", True),
            (
                "Dashboard time, scale 10 / scale 1",
                f"{ten['dashboard_s'] / one['dashboard_s']:.2f}×",
                "≤ 3×",
                ten["dashboard_s"] <= 3 * one["dashboard_s"],
            ),
            (
                "Published page queries (scale 10)",
                str(ten["published_queries"]),
                "≤ 8",
                ten["published_queries"] <= 8,
            ),
            ("Published page time (scale 10)", f"{ten['published_s'] * 1000:.0f} ms", "", True),
            ("Panel paper PDF, scale 1", f"{one['paper_s']:.2f} s", "< 5 s", one["paper_s"] < 5),
            (
                "Panel paper peak memory, scale 1",
                f"{one['paper_mib']:.0f} MiB",
                "< 500 MiB",
                one["paper_mib"] < 500,
            ),
            (
                "Panel paper PDF, scale 10 / scale 1",
                f"{ten['paper_s'] / one['paper_s']:.2f}×",
                "≈ 1× (≤ 1.5×)",
                ten["paper_s"] <= 1.5 * one["paper_s"],
            ),
            ("Panel paper pages", str(one["paper_pages"]), "", True),
        ]
        for name, (value, target, ok) in one.get("areas", {}).items():
            rows.append((name, value, target, ok))
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"\n{'Figure'.ljust(width)}  {'Measured':>14}  {'Target':<14}  Result")
        for name, value, target, ok in rows:
            self.stdout.write(f"{name.ljust(width)}  {value:>14}  {target:<14}  {'ok' if ok else 'MISSED'}")
        if not all(r[3] for r in rows):
            raise SystemExit(1)

    # -- a child process on its own database ----------------------------------------------
    def measure(self, scale: int):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0)
        call_command("load_demo", scale=scale, force=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
        from django.contrib.auth import get_user_model

        from assurance.models import Publication

        editor = Client()
        editor.force_login(get_user_model().objects.get(username="editor"))
        dashboard_s, dashboard_queries = timed(lambda: editor.get(reverse("dashboard")))
        publication = Publication.objects.filter(organisation__is_home=True).latest("published_at")
        reader = Client()
        published_s, published_queries = timed(lambda: reader.get(publication.get_absolute_url()))
        paper = json.loads(
            subprocess.run(
                [sys.executable, "manage.py", "bench", "--measure-paper"],
                env=os.environ,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        area_figures = {
            benchmark.name: benchmark.measure()
            for area in registry.areas()
            for benchmark in area.benchmarks()
        }
        print(
            json.dumps(
                {  # noqa: T201 - read by the parent process
                    "dashboard_s": dashboard_s,
                    "dashboard_queries": dashboard_queries,
                    "published_s": published_s,
                    "published_queries": published_queries,
                    **paper,
                    "areas": area_figures,
                }
            )
        )

    def measure_paper(self):
        """In a fresh process, so its peak memory is the paper's own."""
        from assurance.models import Publication
        from assurance.paper import render_paper

        publication = Publication.objects.filter(organisation__is_home=True).latest("published_at")
        started = time.perf_counter()
        pdf = render_paper(publication.paper)
        seconds = time.perf_counter() - started
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
        pages = next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)
        print(json.dumps({"paper_s": seconds, "paper_mib": peak_mib, "paper_pages": pages}))  # noqa: T201


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
