from __future__ import annotations

import reflex as rx

from citizen_app.core.db import session_scope
from citizen_app.home import service
from citizen_app.i18n.state import LangState
from citizen_app.identity.state import acting_user


class HomeState(rx.State):
    open_items: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        user_id, _ = await acting_user(self)
        if user_id is None:
            self.open_items = []
            return
        lang = (await self.get_state(LangState)).lang
        with session_scope() as db:
            items = service.open_items(db, user_id, lang)
        self.open_items = [{"kind": i.kind, "title": i.title, "status": i.status, "href": i.href} for i in items]
