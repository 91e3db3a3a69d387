"""assets/outbox.js (the reports queued offline) and the service worker's offline routes, under node with
stand-ins for the store and the network: what is sent, when, under whose session, and what is kept."""

from __future__ import annotations

import json

from tests.unit.notify.test_pwa_assets import ASSETS, ORIGIN, _run_node

HARNESS = """
const fs = require("fs"), vm = require("vm");
const data = {};
const cdsStore = {
  get: (s, k) => Promise.resolve((data[s] || {})[k]),
  put: (s, k, v) => { (data[s] = data[s] || {})[k] = v; return Promise.resolve(); },
  del: (s, k) => { delete (data[s] || {})[k]; return Promise.resolve(); },
  keys: (s) => Promise.resolve(Object.keys(data[s] || {}).sort()),
};
const answers = ANSWERS, posted = [];
const fetch = (url, init) => {
  const body = JSON.parse(init.body);
  posted.push({url, key: body.key, owner: body.owner, photos: body.photos.length, title: body.report.title});
  const answer = answers[body.key];
  if (answer === "offline") return Promise.reject(new TypeError("Failed to fetch"));
  return Promise.resolve({ok: answer[0] < 300, status: answer[0], json: () => Promise.resolve(answer[1])});
};
const blob = {type: "image/jpeg", arrayBuffer: () => Promise.resolve(new Uint8Array([255, 216, 255, 1]).buffer)};
const self = {cdsStore, fetch, btoa: (s) => Buffer.from(s, "binary").toString("base64"), navigator: {}};
vm.runInNewContext(fs.readFileSync(OUTBOX, "utf8"), {self, Promise, Date, JSON, Uint8Array, String, Error});
const box = self.cdsOutbox;
(async () => {
  const at = (n) => new Promise((r) => setTimeout(r, n));
  await box.queue("feedback-report", "k1-sent-0000000000", "mai", {title: "Ổ gà"}, [blob]); await at(2);
  await box.queue("feedback-report", "k2-refused-00000000", "mai", {title: "x"}, []); await at(2);
  await box.queue("feedback-report", "k3-other-000000000", "hoa", {title: "của Hoa"}, []); await at(2);
  await box.queue("feedback-report", "k4-later-000000000", "mai", {title: "Đèn hỏng"}, []); await at(2);
  await box.queue("feedback-report", "k5-after-000000000", "mai", {title: "Sau"}, []);
  const first = await box.flush("mai");
  const states = {};
  for (const item of await box.list()) states[item.key] = [item.state, (item.photos || []).length, item.error || null];
  answers["k4-later-000000000"] = [201, {id: 9, href: "/feedback/9", created: true}];
  answers["k5-after-000000000"] = [409, {error: "feedback.outbox_other_user"}];
  const second = await box.flush();  // the service worker: no owner known, the server decides
  const left = (await box.list()).map((i) => [i.key, i.state]);
  process.stdout.write(JSON.stringify({first, second, states, left, posted,
    describe: [box.describe({state: "queued"}, "vi"),
               box.describe({state: "sent", sentAt: Date.UTC(2026, 11, 7, 7, 5)}, "vi"),
               box.describe({state: "refused", error: {vi: "Tiêu đề quá ngắn", en: "Title too short"}}, "en")]}));
})();
"""


def _run() -> dict:
    answers = {"k1-sent-0000000000": [201, {"id": 7, "href": "/feedback/7", "created": True}],
               "k2-refused-00000000": [400, {"error": "feedback.title_required",
                                             "message": {"vi": "Tiêu đề quá ngắn", "en": "Title too short"}}],
               "k4-later-000000000": "offline", "k5-after-000000000": [503, {}]}
    script = HARNESS.replace("ANSWERS", json.dumps(answers)).replace("OUTBOX", json.dumps(str(ASSETS / "outbox.js")))
    return _run_node(script)


def test_queued_reports_are_sent_in_order_and_kept_until_the_server_has_them() -> None:
    out = _run()
    assert out["first"] == {"sent": 1, "left": 2}
    assert out["states"]["k1-sent-0000000000"][:2] == ["sent", 0]  # sent: the photos leave the phone's store
    assert out["states"]["k2-refused-00000000"] == ["refused", 0, {"vi": "Tiêu đề quá ngắn", "en": "Title too short"}]
    assert out["states"]["k4-later-000000000"][0] == "queued"  # no connection: kept, and nothing after it tried
    assert [p["key"] for p in out["posted"][:3]] == ["k1-sent-0000000000", "k2-refused-00000000", "k4-later-000000000"]
    assert out["posted"][0]["photos"] == 1 and out["posted"][0]["owner"] == "mai"


def test_another_persons_item_is_never_sent_from_this_session() -> None:
    out = _run()
    assert "k3-other-000000000" not in out["states"]  # dropped by the page of Mai's session, never posted
    assert all(p["key"] != "k3-other-000000000" for p in out["posted"])


def test_the_service_workers_flush_and_the_servers_refusal_of_another_person() -> None:
    out = _run()
    assert out["second"] == {"sent": 1, "left": 0}
    left = dict(out["left"])
    assert left["k4-later-000000000"] == "sent" and "k5-after-000000000" not in left  # 409: dropped, not filed


def test_status_texts() -> None:
    assert _run()["describe"] == ["Chưa gửi — sẽ gửi khi có mạng", "Đã gửi lúc 14:05 07/12",
                                  "Could not be sent: Title too short"]


RACE = """
const fs = require("fs"), vm = require("vm");
const data = {}, posted = [];
const cdsStore = {
  get: (s, k) => Promise.resolve((data[s] || {})[k]),
  put: (s, k, v) => { (data[s] = data[s] || {})[k] = v; return Promise.resolve(); },
  del: (s, k) => { delete (data[s] || {})[k]; return Promise.resolve(); },
  keys: (s) => Promise.resolve(Object.keys(data[s] || {}).sort()),
};
const fetch = (url, init) => new Promise((resolve) => setTimeout(() => {  // a slow connection
  posted.push(JSON.parse(init.body).key);
  const id = posted.length;
  resolve({ok: true, status: 201, json: () => Promise.resolve({id, href: "/feedback/" + id})});
}, 30));
const self = {cdsStore, fetch, btoa: (s) => Buffer.from(s, "binary").toString("base64"), navigator: {}};
vm.runInNewContext(fs.readFileSync(OUTBOX, "utf8"), {self, Promise, Date, JSON, Uint8Array, String, Error, setTimeout});
const box = self.cdsOutbox;
(async () => {
  await box.queue("feedback-report", "k1-older-000000000", "mai", {title: "Cũ"}, []);
  const running = box.flush("mai");  // e.g. the flush the page starts when it opens
  await new Promise((r) => setTimeout(r, 5));
  await box.queue("feedback-report", "k2-new-00000000000", "mai", {title: "Mới"}, []);  // "Gửi phản ánh" now
  const mine = await box.flush("mai");
  const state = (await box.get("k2-new-00000000000")).state;
  process.stdout.write(JSON.stringify({first: await running, mine, state, posted}));
})();
"""


def test_a_report_queued_during_a_flush_is_sent_by_the_flush_its_page_asked_for() -> None:
    out = _run_node(RACE.replace("OUTBOX", json.dumps(str(ASSETS / "outbox.js"))))
    assert out["first"] == {"sent": 1, "left": 0}
    assert out["mine"] == {"sent": 1, "left": 0} and out["state"] == "sent"  # not the running flush's summary
    assert out["posted"] == ["k1-older-000000000", "k2-new-00000000000"]


def test_offline_routes_lead_to_the_ticket() -> None:
    paths = ["/metro", "/metro/", "/metro/tickets", "/metro/tickets/?x=1", "/metro/ticket", "/metro/ticket/?id=3",
             "/feedback/new", "/?src=pwa", "/%6detro"]
    script = f"""
      const sw = require({json.dumps(str(ASSETS / "sw.js"))});
      process.stdout.write(JSON.stringify({json.dumps(paths)}.map((p) => sw.offlinePlan(p, {json.dumps(ORIGIN)}))));
    """
    plans = dict(zip(paths, _run_node(script), strict=True))
    for path in ("/metro", "/metro/", "/metro/tickets", "/metro/tickets/?x=1", "/%6detro"):
        assert plans[path] == {"redirect": "/metro/ticket/"}, path
    assert "/metro/ticket/" in plans["/metro/ticket"]["candidates"]  # the ticket screen itself, either spelling
    assert plans["/metro/ticket/?id=3"]["candidates"][0] == "/metro/ticket/?id=3"
    assert "/feedback/new/" in plans["/feedback/new"]["candidates"]  # the precached page has the slash
    assert plans["/?src=pwa"]["candidates"][0] == "/?src=pwa" and "/" in plans["/?src=pwa"]["candidates"]
