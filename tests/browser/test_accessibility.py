"""WCAG 2.2 AA checks with axe-core in real headless Chromium, best practices included, on
every kind of page each role reaches; and a keyboard-only journey without JavaScript, on the
demo data."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from assurance.models import Publication
from tests.access import ALLOWED, all_cases
from tests.browser.conftest import sign_in, wait_for_page

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DEMO_USER = {"panel": "panel", "editor": "editor", "publisher": "publisher"}


def axe_violations(driver) -> list[str]:
    if not driver.execute_script("return typeof axe !== 'undefined'"):
        driver.execute_script(AXE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(r => done(r.violations));",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in result
    ]


def check_pages(browser, base_url: str, paths: list[str]) -> dict[str, list[str]]:
    """axe on each page, in the browser's session; the pages with violations."""
    found = {}
    for path in paths:
        browser.get(base_url + path)
        found[path] = axe_violations(browser)
    return {path: violations for path, violations in found.items() if violations}


def html_pages_for(persona: str, names: list[str]) -> list[str]:
    """A URL for each kind of page in `names` the persona may read (one per template), built
    from the access table, less downloads (PDF, spreadsheets) and POST-only actions."""
    cases = all_cases()
    client = Client()
    if persona != "anonymous":
        user = get_user_model().objects.get(username=DEMO_USER[persona])
        if persona in ("editor", "publisher"):
            # The access table's records belong to offices of their own: a service-wide role
            # reaches them all, so that every kind of page is checked.
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get_or_create(name=ROLE_NAMES[persona])[0])
        client.force_login(user)
    pages, templates = [], set()
    for name in names:
        case = cases[name]
        if persona not in ALLOWED[case.access] or case.post_only or case.ok_status != 200:
            continue
        url = reverse(name, kwargs=case.kwargs())
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        template = response.templates[0].name if response.templates else url
        if template not in templates:
            templates.add(template)
            pages.append(url)
    return pages


ROLE_NAMES = {"editor": "Editor", "publisher": "Publisher"}
# Every kind of page, once per role that reaches it. Publishers see the editors' pages with
# publishing controls added: they are checked on the pages where those appear.
PUBLISHER_PAGES = ["home", "dashboard", "publish", "publication_list", "publication_detail"]
# What each role's navigation offers, and what it must not.
NAVIGATION = {
    "panel": (["Published dashboards"], ["Recent changes", "Dashboard"]),
    "editor": (["Dashboard", "Recent changes"], ["Administration"]),
    "publisher": (["Dashboard", "Recent changes"], ["Administration"]),
}


def check_every_kind_of_page(browser, live_server, persona: str) -> dict[str, list[str]]:
    """Sign in as the persona (through the browser), check its navigation, then run axe on
    one page of each kind it reaches; returns the pages with violations."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    names = PUBLISHER_PAGES if persona == "publisher" else sorted(all_cases())
    pages = html_pages_for(persona, names)
    if persona in ("anonymous", "panel"):
        pages += ["/no-such-page/", reverse("recent_changes") if persona == "panel" else "/?q=%00"]
    assert len(pages) >= {"anonymous": 5, "panel": 8, "editor": 30, "publisher": 4}[persona]
    browser.delete_all_cookies()  # start signed out
    found = {}
    if persona == "anonymous":
        # A form with errors: the summary links each error to its field.
        browser.get(live_server.url + reverse("login"))
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(browser, 15).until(lambda d: "There is a problem" in d.page_source)
        summary_link = browser.find_element(By.CSS_SELECTOR, ".govuk-error-summary__list a")
        assert summary_link.get_attribute("href").endswith("#id_username")
        found["sign-in with errors"] = axe_violations(browser)
    else:
        sign_in(browser, live_server, DEMO_USER[persona])
        navigation = browser.find_element(By.ID, "navigation").text.splitlines()
        present, absent = NAVIGATION[persona]
        assert set(present) <= set(navigation) and not set(absent) & set(navigation), navigation
    found |= {f"{persona} {path}": v for path, v in check_pages(browser, live_server.url, pages).items()}
    return {page: violations for page, violations in found.items() if violations}


def test_every_kind_of_page_meets_wcag_22_aa_with_best_practices_for_editors(browser, live_server, demo):
    assert check_every_kind_of_page(browser, live_server, "editor") == {}


def test_every_kind_of_page_meets_wcag_22_aa_with_best_practices_for_the_other_roles(
    browser, live_server, demo
):
    found = {}
    for persona in ("anonymous", "panel", "publisher"):
        found |= check_every_kind_of_page(browser, live_server, persona)
    assert found == {}


def tab_to(driver, wanted, *, limit: int = 400):
    """Press Tab until the focused element is the one wanted; fail if it is never reached."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        element = driver.switch_to.active_element
        if wanted(element):
            return element
    raise AssertionError("not reachable with the Tab key")


def link_to(path: str):
    return lambda e: e.tag_name == "a" and (e.get_attribute("href") or "").endswith(path)


def submit_button(e) -> bool:
    return e.tag_name == "button" and e.get_attribute("type") == "submit" and "Sign out" not in e.text


def test_a_publisher_signs_in_rates_with_a_reason_and_publishes_by_keyboard_without_javascript(
    browser_without_js, live_server, demo
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from assurance.demo import DEMO_PASSWORD
    from assurance.models import Rag
    from delivery_plans.models import ProgressUpdate

    driver = browser_without_js
    # Signing in: the skip link comes first and works; the form is filled and sent by keyboard.
    driver.get(live_server.url + reverse("login"))
    assert "js-enabled" not in driver.find_element(By.TAG_NAME, "body").get_attribute("class")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = driver.switch_to.active_element
    assert first.text == "Skip to main content"
    first.send_keys(Keys.ENTER)
    assert driver.current_url.endswith("#main-content")
    tab_to(driver, lambda e: e.get_attribute("id") == "id_username").send_keys("publisher")
    password = tab_to(driver, lambda e: e.get_attribute("id") == "id_password")
    password.send_keys(DEMO_PASSWORD, Keys.ENTER)
    wait_for_page(driver, away_from="/sign-in/")
    assert "Governance dashboard" in driver.page_source and "Sign out" in driver.page_source

    # Every control on the dashboard is reachable with Tab alone, in order, and shows focus.
    seen = []
    for _ in range(300):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        element = driver.switch_to.active_element
        if element.tag_name == "body":
            break  # past the last control
        focus_style = (
            element.value_of_css_property("outline-style"),
            element.value_of_css_property("box-shadow"),
        )
        assert focus_style != ("none", "none"), element.get_attribute("outerHTML")[:120]
        seen.append(element.get_attribute("href") or element.get_attribute("name") or element.text)
    assert len(seen) > 10 and any("/publish/" in (href or "") for href in seen)

    publication = Publication.objects.filter(organisation__is_home=True).latest("published_at")
    update = (
        ProgressUpdate.objects.filter(
            period=publication.period, commitment__plan__owner=publication.organisation
        )
        .exclude(rag=Rag.RED)
        .order_by("commitment__ref")
        .first()
    )
    edit_url = reverse("delivery_plans:update_update", args=[update.pk])

    # From the commitment's page to its update's form, then a Red rating with its reason.
    driver.get(live_server.url + update.commitment.get_absolute_url())
    tab_to(driver, link_to(edit_url)).send_keys(Keys.ENTER)
    wait_for_page(driver, away_from=update.commitment.get_absolute_url())
    radio = tab_to(driver, lambda e: e.get_attribute("name") == "rag")
    for _ in range(5):
        if driver.switch_to.active_element.get_attribute("value") == Rag.RED:
            break
        driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element.get_attribute("value") == Rag.RED, radio
    reason = tab_to(driver, lambda e: e.get_attribute("id") == "id_rag_reason")
    reason.send_keys(Keys.CONTROL, "a")
    reason.send_keys("Recruitment paused until the budget is agreed in January")
    tab_to(driver, submit_button).send_keys(Keys.ENTER)
    wait_for_page(driver, away_from=edit_url)
    update.refresh_from_db()
    assert (update.rag, update.rag_reason) == (
        Rag.RED,
        "Recruitment paused until the budget is agreed in January",
    )
    assert "saved" in driver.page_source

    # From the dashboard to the publish page, then a correction published.
    organisation, period = publication.organisation.slug, publication.period.slug
    dashboard = f"{reverse('dashboard')}?organisation={organisation}&period={period}"
    publish_url = reverse("publish", args=[organisation, period])
    driver.get(live_server.url + dashboard)
    tab_to(driver, link_to(publish_url)).send_keys(Keys.ENTER)
    wait_for_page(driver, away_from="/dashboard/?")
    note = tab_to(driver, lambda e: e.get_attribute("id") == "id_correction_note")
    note.send_keys("Commitment rated Red: recruitment paused")
    if driver.find_elements("id", "id_acknowledge"):
        tab_to(driver, lambda e: e.get_attribute("id") == "id_acknowledge").send_keys(Keys.SPACE)
    tab_to(driver, submit_button).send_keys(Keys.ENTER)
    wait_for_page(driver, away_from=publish_url)
    correction = Publication.objects.get(
        organisation=publication.organisation, period=publication.period, version=publication.version + 1
    )
    assert correction.published_by.username == "publisher"
    assert correction.correction_note == "Commitment rated Red: recruitment paused"
    assert "Recruitment paused until the budget is agreed in January" in str(correction.snapshot)
