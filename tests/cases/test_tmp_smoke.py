import pytest
from tests.conftest import signed_in

@pytest.mark.django_db
def test_pages(client, case, case_worker, supervisor):
    signed_in(client, case_worker)
    for url in ["/cases/", f"/cases/{case.public_id}/", "/cases/new/", "/alerts/", f"/cases/{case.public_id}/child/", f"/cases/{case.public_id}/interviews/new/", "/accounts/me/", f"/api/v1/cases/", f"/api/v1/cases/{case.public_id}/", "/api/schema/", "/api/docs/", f"/api/v1/children/{case.child.public_id}/", "/api/v1/alerts/"]:
        r = client.get(url)
        print(url, r.status_code)
        assert r.status_code == 200, (url, r.content[:3000])
    r = client.post("/cases/", {"q": "Mali"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"Mali" in r.content, r.content
    r = client.post(f"/cases/{case.public_id}/notes/", {"body": "hello"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"hello" in r.content
    r = client.post("/api/v1/cases/", {"child": {"given_name": "Dao", "birth_date": "2030-01-01", "nationalities": ["XX"]}}, content_type="application/json")
    print(r.status_code, r.json())
    r = client.post("/api/v1/cases/", {"child": {"given_name": "Dao", "birth_date": "2014-01-01", "nationalities": ["LA"], "languages": ["lo"]}}, content_type="application/json")
    print(r.status_code, r.json())
    signed_in(client, supervisor)
    r = client.get(f"/cases/{case.public_id}/")
    assert r.status_code == 200
