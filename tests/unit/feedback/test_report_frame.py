"""The report page's server-rendered frame (issue 24): the facts of the app's view, in its order, escaped."""

from __future__ import annotations

from citizen_app.feedback.report_frame import frame_html, sample_html
from citizen_app.feedback.styles import GALLERY_STYLE, inline_css

DETAIL = {"title": "Cây đổ <b>", "description": "Dòng 1\nDòng 2", "category_vi": "Cây xanh", "category_en": "Trees",
          "stage_vi": "Đã xử lý", "stage_en": "Resolved", "outcome_vi": "Đã khắc phục", "outcome_en": "Fixed",
          "reporter": "", "created": "01/12/2026", "expected": "05/12/2026", "overdue": "1", "me_too": "3",
          "duplicate_of": "7"}


def test_the_facts_come_in_the_order_of_the_apps_view() -> None:
    html = frame_html(DETAIL, [{"label_vi": "Mức độ", "label_en": "Severity", "value_vi": "Cao", "value_en": "High"}],
                      [], "en")
    labels = ["Category", "Status", "Outcome", "Reported by", "Sent on", "Answer due", "People affected",
              "Severity", "Duplicate of"]
    positions = [html.find(f'<dt class="cds-label">{label}</dt>') for label in labels]
    assert -1 not in positions and positions == sorted(positions), list(zip(labels, positions, strict=True))
    assert "Cây đổ &lt;b&gt;" in html and "<b>" not in html
    assert "A resident (name hidden)" in html and "Overdue" in html and '<a href="/feedback/7">#7</a>' in html


def test_optional_facts_and_photos_only_when_there() -> None:
    plain = {**DETAIL, "outcome_vi": "", "expected": "", "overdue": "", "duplicate_of": ""}
    html = frame_html(plain, [], [], "vi")
    assert ">Kết quả<" not in html and "/feedback/" not in html and "<ul" not in html
    photo = {"full": "/api/feedback/photos/4", "thumb": "/api/feedback/photos/4/thumb", "alt_vi": "Ảnh hiện trường",
             "kind": "report"}
    html = frame_html(plain, [], [photo], "vi")
    assert f'<ul style="{inline_css(GALLERY_STYLE)}">' in html and 'src="/api/feedback/photos/4/thumb"' in html


def test_inline_css_is_the_components_style() -> None:
    assert inline_css({"font_size": ".85rem", "border_radius": "8px"}) == "font-size:.85rem;border-radius:8px"
    assert "<img" in sample_html() and "<dl>" in sample_html()  # the build sees every kind of element
