"""Locust users for bench/mixed.py: a reporting day's mix, and the same users on the layout floor.

bench/mixed.py passes, in BENCH_MIXED (JSON), the sessions it made (no login is measured) and the ids
each kind of user works on; BENCH_USERS picks the classes ("mix" or "floor").

- 70 % unit staff: open My tasks, open the report form of one of their unit's assignments, save a
  draft on it (htmx, as the page does);
- 20 % reviewers: open the review queue, open a claim;
- 10 % leaders: the province dashboard, a plan's, a unit's.
"""

import json
import os
import random
import secrets
import string

from locust import HttpUser, between, task

CONFIG = json.loads(os.environ.get("BENCH_MIXED", "{}"))
WAIT = [float(x) for x in os.environ.get("BENCH_WAIT", "1,2").split(",")]
HEADERS = {"X-Forwarded-Proto": "https"}  # production settings: the proxy says https
FLOOR_PATH = "/accounts/password/done/"


def _token() -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


class _Signed(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def sign_in(self, session):
        self.client.cookies.set("sessionid", session)
        self.csrf = _token()  # a CSRF cookie and the same secret in the form, as a browser would send
        self.client.cookies.set("csrftoken", self.csrf)

    def get(self, url, name, headers=None):
        with self.client.get(
            url, headers={**HEADERS, **(headers or {})}, name=name, catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(str(r.status_code))


class UnitStaff(_Signed):
    weight = 7

    def on_start(self):
        staff = random.choice(CONFIG["staff"])
        self.sign_in(staff["session"])
        self.work = staff["work"]  # [(assignment id, open period id)]

    @task
    def report_day(self):
        self.get("/kpis/", "My tasks")
        assignment, period = random.choice(self.work)
        form = f"/kpis/assignments/{assignment}/report/"
        self.get(form, "report form (htmx)", {"HX-Request": "true", "HX-Target": f"slot-{assignment}"})
        host = self.client.base_url.split("://", 1)[1]
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "period": str(period),
            "completion": str(random.randint(5, 90)),
            "results": "Đã triển khai theo kế hoạch (bản nháp đo tải).",
            "difficulties": "",
            "proposals": "",
            "action": "draft",
        }
        headers = {
            **HEADERS,
            "HX-Request": "true",
            "HX-Target": f"slot-{assignment}",
            "HX-Current-URL": f"https://{host}/kpis/",
            "Referer": f"https://{host}/kpis/",
        }
        with self.client.post(form, data=data, headers=headers, name="save draft", catch_response=True) as r:
            if r.status_code != 200 or "Đã lưu nháp" not in r.text:
                r.failure(f"{r.status_code}: {r.text[:200]}")


class Reviewer(_Signed):
    weight = 2

    def on_start(self):
        self.sign_in(random.choice(CONFIG["reviewers"]))

    @task
    def review(self):
        self.get("/evidence/review/", "review queue")
        self.get(f"/evidence/review/{random.choice(CONFIG['claims'])}/", "a claim")


class Leader(_Signed):
    weight = 1

    def on_start(self):
        self.sign_in(random.choice(CONFIG["leaders"]))

    @task
    def dashboards(self):
        self.get("/reports/dashboard/", "province dashboard")
        self.get(f"/reports/dashboard/?plan={random.choice(CONFIG['plans'])}", "province ?plan")
        self.get(f"/reports/dashboard/units/{random.choice(CONFIG['units'])}/", "unit dashboard")


class FloorUser(_Signed):
    """The same number of users, each on the layout-only page: what the server gives at best."""

    weight = 1

    def on_start(self):
        self.sign_in(random.choice(CONFIG["leaders"]))

    @task
    def floor(self):
        self.get(FLOOR_PATH, "floor")


if os.environ.get("BENCH_USERS") == "floor":
    del UnitStaff, Reviewer, Leader
else:
    del FloorUser
