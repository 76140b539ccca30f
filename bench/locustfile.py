"""Locust users for bench/dashboard.py: leaders and unit heads reading the dashboards.

bench/dashboard.py starts this headless and passes, in BENCH_DASHBOARD (JSON), the session keys it
made for the users (so no login is measured and no lockout can trigger) and the ids to filter by.
"""

import json
import os
import random

from locust import HttpUser, between, task

CONFIG = json.loads(os.environ.get("BENCH_DASHBOARD", "{}"))
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "1,2").split(",")]
# The portal runs with production settings: behind TLS, so the proxy says https.
HEADERS = {"X-Forwarded-Proto": "https"}
HTMX = {**HEADERS, "HX-Request": "true"}
KINDS = ["department", "commune", "enterprise", "agency", "party"]
SORTS = ["overdue", "flags", "missing", "rate", "on_time_rate", "name"]


class Reader(HttpUser):
    """A leader (or reviewer, secretariat) in a meeting: opens the dashboard, filters, sorts."""

    weight = 4
    wait_time = between(*WAIT)

    def on_start(self):
        self.client.cookies.set("sessionid", random.choice(CONFIG["leaders"]))

    def get(self, url, name, headers=HEADERS):
        with self.client.get(url, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(4)
    def province(self):
        self.get("/reports/dashboard/", "province")

    @task(3)
    def plan(self):
        self.get(f"/reports/dashboard/?plan={random.choice(CONFIG['plans'])}", "province ?plan")

    @task(2)
    def kind(self):
        self.get(f"/reports/dashboard/?kind={random.choice(KINDS)}", "province ?kind")

    @task(2)
    def filter_by_htmx(self):
        plan = random.choice(CONFIG["plans"])
        self.get(
            f"/reports/dashboard/?plan={plan}&kind={random.choice(KINDS)}",
            "htmx #board",
            {**HTMX, "HX-Target": "board"},
        )

    @task(1)
    def sort_by_htmx(self):
        self.get(
            f"/reports/dashboard/?sort={random.choice(SORTS)}",
            "htmx #ranking",
            {**HTMX, "HX-Target": "ranking"},
        )

    @task(1)
    def unit_page(self):
        self.get(f"/reports/dashboard/units/{random.choice(CONFIG['units'])}/", "unit (as leader)")


class UnitHead(HttpUser):
    """A unit head checking the unit's place."""

    weight = 1
    wait_time = between(*WAIT)

    def on_start(self):
        self.session_key, self.unit = random.choice(CONFIG["heads"])
        self.client.cookies.set("sessionid", self.session_key)

    @task
    def own_unit(self):
        with self.client.get(
            f"/reports/dashboard/units/{self.unit}/",
            headers=HEADERS,
            name="unit (as head)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
