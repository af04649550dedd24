"""The delivery plan's pages meet WCAG 2.2 AA (axe-core in real headless Chromium), its forms
with their errors too, and a commitment is added by keyboard alone without JavaScript."""

import pytest
from django.urls import reverse

from delivery_plans.models import Commitment, Plan
from tests.browser.conftest import browser, browser_without_js, demo, sign_in, wait_for_page  # noqa: F401
from tests.browser.test_accessibility import axe_violations, check_pages

pytestmark = pytest.mark.django_db(transaction=True)


def plan_pages(plan: Plan) -> list[str]:
    commitment = plan.commitments.get(ref="3.11")
    measure = plan.measures.get(name="Reduce murder and other homicide")
    return [
        reverse("delivery_plans:plans"),
        reverse("delivery_plans:plan_create"),
        reverse("delivery_plans:plan_from_file"),
        reverse("delivery_plans:plan", args=[plan.pk]),
        reverse("delivery_plans:plan_update", args=[plan.pk]),
        reverse("delivery_plans:statuses", args=[plan.pk]),
        reverse("delivery_plans:status_create", args=[plan.pk]),
        reverse("delivery_plans:objective_create", args=[plan.pk]),
        reverse("delivery_plans:list"),
        commitment.get_absolute_url(),
        reverse("delivery_plans:update", args=[commitment.pk]),
        reverse("delivery_plans:measures", args=[plan.pk]),
        reverse("delivery_plans:measure_update", args=[measure.pk]),
        reverse("delivery_plans:value_update", args=[measure.values.get(withheld=True).pk]),
        reverse("delivery_plans:import", args=[plan.pk]),
    ]


def test_the_plan_pages_meet_wcag_22_aa(browser, live_server, demo):  # noqa: F811
    sign_in(browser, live_server, "editor")
    plan = Plan.objects.get(owner__is_home=True)
    assert check_pages(browser, live_server.url, plan_pages(plan)) == {}


def test_a_plan_form_with_errors_meets_wcag_22_aa(browser, live_server, demo):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    sign_in(browser, live_server, "editor")
    browser.get(live_server.url + reverse("delivery_plans:plan_create"))
    browser.find_element(By.ID, "id_start_year").clear()
    browser.find_element(By.ID, "id_start_year").send_keys("2016/18")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: "There is a problem" in d.page_source)
    assert axe_violations(browser) == []


def test_a_commitment_is_added_by_keyboard_without_javascript(browser_without_js, live_server, demo):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser_without_js
    sign_in(driver, live_server, "editor")
    plan = Plan.objects.get(owner__is_home=True)
    url = live_server.url + reverse("delivery_plans:create", args=[plan.pk])
    driver.get(url)
    driver.find_element(By.ID, "id_objective").send_keys("4. Reassure")  # typing picks the option
    driver.find_element(By.ID, "id_ref").send_keys("4.10")
    driver.find_element(By.ID, "id_text").send_keys("Keep rural crime down")
    driver.find_element(By.ID, "id_lead_officer").send_keys("Head of Performance")
    status = driver.find_element(By.XPATH, "//label[normalize-space()='Completed']/preceding-sibling::input")
    status.send_keys(Keys.SPACE)
    driver.find_element(By.ID, "id_ref").send_keys(Keys.ENTER)  # submits the form, as Enter does
    wait_for_page(driver, away_from="/commitments/add/")
    commitment = Commitment.objects.get(plan=plan, ref="4.10")
    assert (commitment.lead_officer, commitment.status.name) == ("Head of Performance", "Completed")
    assert "Keep rural crime down" in driver.page_source
