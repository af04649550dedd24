"""The tracker's pages meet WCAG 2.2 AA (axe-core in real headless Chromium) on the demo data,
its forms with their errors too, and an item is closed by keyboard alone without JavaScript."""

import pytest
from django.urls import reverse

from inspections.models import Recommendation, Report
from tests.browser.conftest import browser, browser_without_js, demo, sign_in, wait_for_page  # noqa: F401
from tests.browser.test_accessibility import axe_violations, check_pages

pytestmark = pytest.mark.django_db(transaction=True)


def tracker_pages() -> list[str]:
    report = Report.objects.get(organisation__is_home=True, title__startswith="Best use of stop and search")
    item = Recommendation.objects.get(report=report, ref="AFI 1")
    peel = Report.objects.filter(organisation__is_home=True, grades__isnull=False).first()
    return [
        reverse("inspections:tracker"),
        reverse("inspections:timeline"),
        reverse("inspections:monthly_review") + "?month=2016-12",
        reverse("inspections:reports"),
        reverse("inspections:grades"),
        reverse("inspections:public"),
        reverse("inspections:import"),
        report.get_absolute_url(),
        peel.get_absolute_url(),
        reverse("inspections:response", args=[report.pk]),
        reverse("inspections:create", args=[report.pk]),
        item.get_absolute_url(),
        reverse("inspections:update", args=[item.pk]),
        reverse("inspections:update_create", args=[item.pk]),
        reverse("inspections:revision_create", args=[item.pk]),
        reverse("inspections:grade_create", args=[peel.pk]),
    ]


def test_the_tracker_pages_meet_wcag_22_aa(browser, live_server, demo):  # noqa: F811
    sign_in(browser, live_server, "editor")
    assert check_pages(browser, live_server.url, tracker_pages()) == {}


def test_a_recommendation_form_with_errors_meets_wcag_22_aa(browser, live_server, demo):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    sign_in(browser, live_server, "editor")
    item = Recommendation.objects.get(report__organisation__is_home=True, ref="R3")
    browser.get(live_server.url + reverse("inspections:update", args=[item.pk]))
    browser.find_element(By.XPATH, "//label[normalize-space()='Closed']/preceding-sibling::input").click()
    browser.find_element(By.ID, "id_closing_evidence").clear()
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: "There is a problem" in d.page_source)
    assert "Give the closing evidence" in browser.page_source
    assert axe_violations(browser) == []


def test_an_update_is_recorded_by_keyboard_without_javascript(browser_without_js, live_server, demo):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser_without_js
    sign_in(driver, live_server, "editor")
    item = Recommendation.objects.get(
        report__organisation__is_home=True, report__title__startswith="Best use of stop", ref="AFI 1"
    )
    driver.get(live_server.url + reverse("inspections:update_create", args=[item.pk]))
    driver.find_element(By.ID, "id_text").send_keys("Mobile form in use across the alliance")
    driver.find_element(By.ID, "id_evidence").send_keys("Roll-out report")
    driver.find_element(By.ID, "id_dated").send_keys(Keys.ENTER)  # submits the form, as Enter does
    wait_for_page(driver, away_from="/updates/add/")
    assert item.updates.filter(text="Mobile form in use across the alliance").exists()
    assert "Mobile form in use across the alliance" in driver.page_source
