"""The load test's scenario: case workers and supervisors of the generated data at work.

Run by bench/load.py with locust from bench/.venv-load (not Haven's venv), against a server on
the same database as bench/sessions.py, which signs the users in and writes
bench/results/load-sessions.json (LOAD_SESSIONS names another file).

Each simulated user takes one signed-in session from that file, a case worker's or a
supervisor's, and works without pauses (LOAD_WAIT=<seconds> adds a random pause of up to that
long between pages). The weights are per page view, over both kinds of user:

| page | who | weight |
|---|---|---:|
| case page `/cases/<id>/` | case worker, one of their own open cases | 40 |
| My cases `/cases/` | case worker (their cases) | 20 |
| What is due `/cases/due/` | case worker | 10 |
| Alerts `/alerts/` | case worker | 10 |
| record an interview: the form, then the POST | case worker, one of their cases¹ | 5 |
| dashboard `/reports/dashboard/` | supervisor | 10 |
| My cases `/cases/` | supervisor (scope "all": the agency's cases) | 5 |

¹ Not one where the child said no to interviews: Haven refuses those with the form again
(CC-3, a 400), as it should; bench/sessions.py leaves them out.

Case workers are 85 % of the users and supervisors 15 %, the share of their pages. The
interview is fictional: an assessment interview in which the child was not asked about what
happened (so no child's retelling count grows), written as a browser would: the form's page
first, then a POST with its CSRF token, the cookie and the Origin header. The POST is timed
alone; its redirect to the case page is not followed.

The client speaks plain HTTP to the server, as `make serve` runs it (HAVEN_SSL_REDIRECT=0),
and sends back the cookies Haven marks Secure, as Chromium does on http://127.0.0.1. Every
response that is not 2xx/3xx, and every page that turns out to be the sign-in or second-factor
page, counts as a failure. Requests are named by page, not by URL, so that the statistics group
them.
"""

import itertools
import json
import os
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, task

SESSIONS = Path(
    os.environ.get(
        "LOAD_SESSIONS", Path(__file__).resolve().parent / "results" / "load-sessions.json"
    )
)
WAIT = float(os.environ.get("LOAD_WAIT", "0"))
_SIGN_IN = ("/accounts/login/", "/accounts/verify/", "/accounts/enrol/")
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_data = json.loads(SESSIONS.read_text())
_COOKIE = _data["cookie_name"]
_identities = {
    role: itertools.cycle([u for u in _data["users"] if u["role"] == role])
    for role in ("case_worker", "supervisor")
}


class _Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0, WAIT) if WAIT else constant(0)

    def on_start(self) -> None:
        me = next(_identities[self.role])
        self.cases = me["cases"]
        self.interview_cases = me["interview_cases"]
        host = urlsplit(self.host).netloc
        self.origin = f"{urlsplit(self.host).scheme}://{host}"
        self.client.cookies.set(_COOKIE, me["session"], domain=host.split(":")[0], path="/")
        self.client.headers["Accept-Language"] = "en"

    def keep_secure_cookies(self) -> None:
        """Send Haven's Secure cookies (the CSRF cookie) back over http://127.0.0.1, as browsers
        do there (a secure origin to them); requests would keep them for https only."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str) -> str:
        """GET a page; a failure unless it answers 2xx/3xx and is not a sign-in page."""
        with self.client.get(path, name=name, catch_response=True) as response:
            landed = urlsplit(response.url).path
            if not 200 <= response.status_code < 400:
                response.failure(f"HTTP {response.status_code}")
            elif landed.startswith(_SIGN_IN):
                response.failure(f"sent to {landed}")
            else:
                response.success()
            self.keep_secure_cookies()
            return response.text or ""


class CaseWorker(_Staff):
    weight = 85
    role = "case_worker"

    @task(40)
    def case_page(self) -> None:
        self.page(f"/cases/{random.choice(self.cases)}/", "case page")

    @task(20)
    def my_cases(self) -> None:
        self.page("/cases/", "my cases")

    @task(10)
    def due_list(self) -> None:
        self.page("/cases/due/", "due list")

    @task(10)
    def alerts(self) -> None:
        self.page("/alerts/", "alerts")

    @task(5)
    def record_interview(self) -> None:
        if not self.interview_cases:
            return  # every case of this person's has a child who said no to interviews
        case = random.choice(self.interview_cases)
        path = f"/cases/{case}/interviews/new/"
        found = _CSRF.search(self.page(path, "interview form"))
        if found is None:
            return  # counted as a failure above, or the form is gone
        # Yesterday in UTC is in the past in every agency's time zone.
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        fields = {
            "csrfmiddlewaretoken": found.group(1),
            "kind": "assessment",
            "conducted_at": f"{yesterday.isoformat()}T10:00",
            "interviewer": "Bench Interviewer",
            "interviewer_agency": "",
            "duration_minutes": "30",
            "location": "",
            "interpreter": "",
            "interpreter_reason": "Fictional load-test interview, held in a shared language.",
            "support_person": "",
            "notes": "",
        }
        with self.client.post(
            path,
            data=fields,
            name="interview save",
            headers={"Origin": self.origin, "Referer": self.origin + path},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.keep_secure_cookies()  # the session now holds the confirmation message
            target = urlsplit(response.headers.get("Location", "")).path
            if response.status_code == 302 and target == f"/cases/{case}/":
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} to {target or '-'}")


class Supervisor(_Staff):
    weight = 15
    role = "supervisor"

    @task(10)
    def dashboard(self) -> None:
        self.page("/reports/dashboard/", "dashboard")

    @task(5)
    def my_cases_all(self) -> None:
        # A supervisor's My cases opens on every case of the agency (scope "all").
        self.page("/cases/", "my cases (supervisor, all)")
