"""Real headless Chromium (Debian's chromium and chromedriver) against the live test server."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from assurance.demo import DEMO_PASSWORD

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"
)


def make_browser(*, javascript: bool):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed")
    driver = make_browser(javascript=True)
    # axe-core is in every page from its start, without sending it over for each page.
    axe = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": axe})
    yield driver
    driver.quit()


@pytest.fixture
def browser_without_js():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed")
    driver = make_browser(javascript=False)
    yield driver
    driver.quit()


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG = True  # the demo as `make run` loads it: its users sign in
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False


def sign_in(driver, live_server, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(f"{live_server.url}/sign-in/")
    driver.find_element(By.ID, "id_username").send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(DEMO_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for_page(driver, away_from="/sign-in/")


def wait_for_page(driver, *, away_from: str) -> None:
    """Wait until the browser has left a page and finished loading the next one."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(
        lambda d: (
            away_from not in d.current_url and d.execute_script("return document.readyState") == "complete"
        )
    )
