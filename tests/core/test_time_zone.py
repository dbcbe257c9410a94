from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from haven.cases.models import Interview
from tests.conftest import signed_in


def test_times_are_entered_in_the_agencys_time_zone(client, case, case_worker, agency):
    # Given an agency in UTC+7 and an interview held an hour ago, local time
    agency.time_zone = "Asia/Jakarta"
    agency.save(update_fields=["time_zone"])
    local_now = datetime.now(ZoneInfo("Asia/Jakarta")).replace(second=0, microsecond=0)
    an_hour_ago = local_now - timedelta(hours=1)
    signed_in(client, case_worker)

    # When it is recorded with the local clock time
    response = client.post(
        f"/cases/{case.public_id}/interviews/new/",
        {
            "kind": "assessment",
            "conducted_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
            "interviewer": "Fictional Interviewer",
            "duration_minutes": 30,
            "child_told_story": "on",
        },
    )

    # Then it is accepted (not "in the future") and stored as the right instant
    assert response.status_code == 302
    assert Interview.objects.get(case=case).conducted_at == an_hour_ago
