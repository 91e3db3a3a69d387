"""With Redis, a session closed by another worker stops this worker's open tab at its next handler.

"Another worker" is a real second process: it closes the session on PostgreSQL and bumps the session's revision
in Redis; this process never hears of it in memory, yet the tab's next ``acting_user`` is refused at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from citizen_app.identity import session_revision
from tests.pg.support import REDIS_URL, ROOT, pg_only

pytestmark = pg_only

OTHER_WORKER = """
import sys
from citizen_app.core.db import session_scope
from citizen_app.identity import service
with session_scope() as db:
    print(service.close_all_sessions(db, int(sys.argv[1])))
"""


async def test_a_logout_on_another_worker_stops_this_workers_tab(migrated_db: str, monkeypatch) -> None:
    from citizen_app.core import config
    from citizen_app.identity.state import AuthState, acting_user
    from tests.unit.identity.test_state_authorization import _login_cookie, _seed, _states

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    config.settings.cache_clear()
    from citizen_app.core.db import engine

    ids = _seed(engine())
    _, sub = _states(_login_cookie(ids["mai"]))
    auth = sub(AuthState)
    await AuthState.load_page.fn(auth, "/no/such/page")
    assert await acting_user(auth) == (ids["mai"], auth._session_id)

    env = {**os.environ, "DATABASE_URL": migrated_db, "REDIS_URL": REDIS_URL}
    done = subprocess.run([sys.executable, "-c", OTHER_WORKER, str(ids["mai"])], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "1"
    assert session_revision.local(auth._session_id) == "0", "this process's memory never heard of it"
    auth._checked_at = time.time()  # the tab proved its session just now: only the revision can stop it
    assert await acting_user(auth) == (None, None)
    assert not auth.logged_in and auth.notice_key == "auth.session_ended"
