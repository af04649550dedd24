"""The delivery plan's pages meet WCAG 2.2 AA (axe-core in real headless Chromium), its forms
with their errors too, and a commitment is added by keyboard alone without JavaScript."""

import pytest
from django.urls import reverse

from assurance.models import ReportingPeriod
from delivery_plans.models import Commitment, OversightScheduleEntry, Plan
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
        reverse("delivery_plans:schedule", args=[plan.pk]) + "?period=2016-17&objective=3",
        # An objective the plan does not have: the page says so, and offers the others.
        reverse("delivery_plans:schedule", args=[plan.pk]) + "?objective=99",
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


def test_the_schedule_is_changed_one_objective_at_a_time_by_keyboard_without_javascript(
    browser_without_js,  # noqa: F811
    live_server,
    demo,  # noqa: F811
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser_without_js
    sign_in(driver, live_server, "editor")
    plan = Plan.objects.get(owner__is_home=True)
    url = live_server.url + reverse("delivery_plans:schedule", args=[plan.pk]) + "?period=2016-17"
    driver.get(url)
    driver.find_element(By.PARTIAL_LINK_TEXT, "2. Secure").send_keys(Keys.ENTER)
    WebDriverWait(driver, 15).until(
        lambda d: (
            "objective=2" in d.current_url and d.execute_script("return document.readyState") == "complete"
        )
    )
    commitment = plan.commitments.filter(objective__ref="2").order_by("sort_key").first()
    before = set(OversightScheduleEntry.objects.values_list("pk", "version"))
    cell = f"c{commitment.pk}-p{ReportingPeriod.objects.get(start_year=2016, quarter=4).pk}"
    box = driver.find_element(By.ID, f"id_{cell}")
    ticked = box.is_selected()
    box.send_keys(Keys.SPACE)
    driver.find_element(By.ID, f"id_{cell}-body").send_keys(" by keyboard", Keys.ENTER)  # Enter submits
    WebDriverWait(driver, 15).until(
        lambda d: "Oversight schedule of 2. Secure for 2016/17 saved" in d.page_source
    )
    assert "objective=2" in driver.current_url
    exists = OversightScheduleEntry.objects.filter(
        commitment=commitment, period__start_year=2016, period__quarter=4
    )
    assert exists.exists() != ticked
    after = set(OversightScheduleEntry.objects.values_list("pk", "version"))
    changed = {pk for pk, _ in before ^ after}
    # Only this objective's entries were touched.
    touched = OversightScheduleEntry.objects.filter(pk__in=changed).exclude(commitment__objective__ref="2")
    assert not touched.exists()
