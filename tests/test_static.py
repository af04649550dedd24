"""The compiled CSS: every image it refers to is vendored, and nothing of GOV.UK's own
identity (crown, crest, GDS Transport) is referred to or shipped."""

import re
from pathlib import Path

from django.conf import settings

STATIC = Path(settings.BASE_DIR) / "static"
CSS = STATIC / "css" / "assurance.css"


def test_every_url_in_the_compiled_css_is_a_vendored_file():
    references = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", CSS.read_text())
    files = [r for r in references if not r.startswith("data:")]
    assert files, "the CSS is expected to use a few icons"
    missing = [r for r in files if not (CSS.parent / r).resolve().is_file()]
    assert missing == []


def test_no_crown_crest_or_gds_transport_is_referred_to_or_shipped():
    css = CSS.read_text()
    references = " ".join(re.findall(r"url\([^)]*\)", css))
    assert "crest" not in references and "crown" not in references
    assert "GDS Transport" not in css and "@font-face" not in css
    shipped = [p.name.lower() for p in STATIC.rglob("*") if p.is_file()]
    assert not [n for n in shipped if "crest" in n or "crown" in n or n.endswith((".woff", ".woff2"))]


def test_no_sources_or_package_files_sit_among_the_static_files():
    shipped = [p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()]
    assert not [p for p in shipped if p.endswith((".scss", "package.json", "package-lock.json"))]
    assert not (STATIC / "src").exists()
