"""GET /feedback/{id}: the report's page with its public facts in the HTML, painted before the app loads (issue 24).
Only what the public page shows anyone: masked text, the name only when not hidden, nothing of a hidden report."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from citizen_app.core import page_frames
from citizen_app.feedback import api, report_frame
from tests.api.helpers import route_client
from tests.unit.feedback.fixtures import new_report

BUILT = ('<!DOCTYPE html><html lang="vi"><head><title>Chi tiết phản ánh</title></head><body><main id="main">'
         '<div data-cds-frame></div></main><script>window.__reactRouterContext = {};</script></body></html>')


@pytest.fixture()
def client(engine, monkeypatch, tmp_path: Path) -> TestClient:
    page = page_frames.placeholder_file(tmp_path, report_frame.PLACEHOLDER)
    page.parent.mkdir(parents=True)
    page.write_text(BUILT, encoding="utf-8")
    monkeypatch.setattr(page_frames, "frontend_static_dir", lambda: tmp_path)
    return route_client(engine, monkeypatch, api)


def frame_of(html: str) -> str:
    return html.split("<div data-cds-frame>")[1].split("</main>")[0]


def test_a_public_report_is_in_the_page(client, db, world) -> None:
    report = new_report(db, world.citizen, title="Ổ gà <lớn> trên đường Lê Lợi")
    response = client.get(f"/feedback/{report.id}")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-cache"
    frame = frame_of(response.text)
    assert "Ổ gà &lt;lớn&gt; trên đường Lê Lợi" in frame and "<lớn>" not in frame  # escaped
    assert "Ổ gà sâu khoảng 20cm" in frame
    assert "0901 234 567" not in response.text  # the phone number in the description is masked, as on the board
    assert "Loại phản ánh" in frame and "Nguyễn Văn An" in frame


def test_the_page_speaks_the_browsers_chosen_language(client, db, world) -> None:
    report = new_report(db, world.citizen)
    client.cookies.set("cds_lang", "en")
    response = client.get(f"/feedback/{report.id}")
    frame = frame_of(response.text)
    assert "Category" in frame and "Loại phản ánh" not in frame
    # The service worker answers a stored copy at once only to a reader of the language it says (assets/sw.js);
    # HTTP caches keep one copy per cookie.
    assert response.headers["content-language"] == "en" and "Cookie" in response.headers["vary"]
    client.cookies.set("cds_lang", "fr")  # anything else: Vietnamese, as the app
    assert client.get(f"/feedback/{report.id}").headers["content-language"] == "vi"
    assert client.get("/feedback/987654").headers["content-language"] == "vi"


def test_a_hidden_name_stays_hidden(client, db, world) -> None:
    report = new_report(db, world.citizen, hide_name=True)
    frame = frame_of(client.get(f"/feedback/{report.id}").text)
    assert "Nguyễn Văn An" not in frame and "Người dân (ẩn danh)" in frame


def test_a_report_no_one_may_see_gives_the_empty_page(client, db, world) -> None:
    report = new_report(db, world.citizen, title="Chuyện riêng")
    report.hidden = True
    db.add(report)
    db.commit()
    for path in (f"/feedback/{report.id}", "/feedback/987654", "/feedback/99999999999999999999999"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert frame_of(response.text).startswith("</div>") and "Chuyện riêng" not in response.text


def test_only_digits_are_a_report_page() -> None:
    route = next(r for r in api.ROUTES if getattr(r, "path", "") == "/feedback/{report_id:int}")
    for path, matched in (("/feedback/12", True), ("/feedback/new", False), ("/feedback/mine", False),
                          ("/feedback/12/x", False)):
        scope = {"type": "http", "method": "GET", "path": path, "root_path": ""}
        assert (route.matches(scope)[0].name == "FULL") is matched, path


def test_the_page_reads_no_session_so_a_stored_copy_holds_nothing_personal(client, db, world) -> None:
    # The service worker keeps this page for the next visit (assets/sw.js): it must be what any anonymous reader of
    # the language gets, whoever's cookies came with the request.
    route = next(r for r in api.ROUTES if getattr(r, "path", "") == "/feedback/{report_id:int}")
    assert route.op.auth == "public"
    report = new_report(db, world.citizen, hide_name=True)
    anonymous = client.get(f"/feedback/{report.id}").text
    client.cookies.set("cds_session", "anything")
    client.cookies.set("cds_owner", str(world.citizen))
    assert client.get(f"/feedback/{report.id}").text == anonymous
