"""CPU and SQL statements of the two hottest actions of ``load.py``'s visit, in process: a metro purchase (the
``MetroState.purchase`` event's work: ticket, payment order, the gateway's URL) and the bank's payment notification
(``/api/pay/ipn/sandbox``: capture the order, deliver the ticket, tell the rider), each in its own
``session_scope()`` as the app runs them; the bank's own step (``sandbox.decide``) runs between them, unmeasured.

    .venv/bin/python benchmarks/purchase_cpu.py                    # SQLite in a temporary directory, 20 + 100
    .venv/bin/python benchmarks/purchase_cpu.py --runs 300 --statements
    .venv/bin/python benchmarks/purchase_cpu.py --smoke           # 2 + 3 rounds (the suite: it still runs)
    DATABASE_URL=postgresql://... .venv/bin/python benchmarks/purchase_cpu.py   # an empty database you can drop

Prints the CPU time (``time.process_time``) per purchase and per notification after ``--warmup`` rounds, and the
SQL statements each sends (SQLAlchemy ``before_cursor_execute``); ``--statements`` lists them. Every purchase is a
different citizen's, as in ``load.py``. The figures are for comparing code on the same machine (run both
versions back to back); on PostgreSQL they include the round trips' client side, not the server's work.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _environment() -> Path:
    work = Path(tempfile.mkdtemp(prefix="cds-purchase-cpu-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.db'}")
    os.environ.update({"INSTANCE_DIR": str(work / "instance"), "PAYMENTS_SANDBOX": "1", "LOG_LEVEL": "WARNING",
                       "CDS_JOBS": "0", "PUBLIC_URL": "http://127.0.0.1:9"})
    subprocess.run([str(Path(sys.executable).parent / "alembic"), "upgrade", "head"], cwd=ROOT, check=True,
                   capture_output=True)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--statements", action="store_true", help="list the SQL statements of one round")
    parser.add_argument("--smoke", action="store_true", help="2 warm-up and 3 measured rounds (figures mean nothing)")
    args = parser.parse_args()
    if args.smoke:
        args.warmup, args.runs = 2, 3
    work = _environment()
    try:
        measure(args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))

    from sqlalchemy import event

    from citizen_app.core.db import engine, session_scope
    from citizen_app.demo import seed_agencies
    from citizen_app.identity.models import UserAccount
    from citizen_app.metro import pay
    from citizen_app.metro.phone import SimulatedPhone
    from citizen_app.payments import sandbox
    from citizen_app.payments import service as payments

    rounds = args.warmup + args.runs
    with session_scope() as db:
        seed_agencies(db)
        users = [UserAccount(full_name=f"Công Dân {i}") for i in range(rounds)]
        db.add_all(users)
        db.flush()
        user_ids = [u.id for u in users]
    phone = SimulatedPhone()
    statements: list[str] = []
    event.listen(engine(), "before_cursor_execute", lambda _c, _k, sql, *_a: statements.append(sql))

    def purchase(uid: int) -> str:
        with session_scope() as db:
            return pay.checkout(db, uid, "single", phone.device_key, origin="L1-01", destination="L1-08",
                                lang="vi", client_ip="127.0.0.1").redirect_url

    def bank(url: str) -> dict[str, str]:
        with session_scope() as db:
            decision = sandbox.decide(db, dict(parse_qsl(urlsplit(url).query)), "approve", "card", "never")
        return dict(parse_qsl(urlsplit(decision.ipn_url or "").query))

    def notification(params: dict[str, str]) -> str:
        with session_scope() as db:
            return payments.handle_notification(db, "sandbox", params).outcome

    spent = {"purchase": 0.0, "notification": 0.0}
    counts: dict[str, list[int]] = {"purchase": [], "notification": []}
    shown: dict[str, list[str]] = {}
    for i, uid in enumerate(user_ids):
        measured = i >= args.warmup
        statements.clear()
        start = time.process_time()
        url = purchase(uid)
        took = time.process_time() - start
        if measured:
            spent["purchase"] += took
            counts["purchase"].append(len(statements))
        shown.setdefault("purchase", list(statements))
        params = bank(url)
        statements.clear()
        start = time.process_time()
        outcome = notification(params)
        took = time.process_time() - start
        assert outcome == payments.ACCEPTED, outcome
        if measured:
            spent["notification"] += took
            counts["notification"].append(len(statements))
        shown.setdefault("notification", list(statements))

    print(f"{engine().dialect.name}, {args.warmup} warm-up rounds, {args.runs} measured")
    for name in ("purchase", "notification"):
        per = Counter(counts[name])
        print(f"  {name:<13} {spent[name] / args.runs * 1000:6.2f} ms CPU each, SQL statements each: "
              + ", ".join(f"{n} ({times}×)" for n, times in sorted(per.items())))
    if args.statements:
        for name, sqls in shown.items():
            print(f"\n{name}:")
            for sql in sqls:
                print("  " + " ".join(sql.split())[:160])


if __name__ == "__main__":
    main()
