"""Messages of the wallet's back office (/wallet/approvals) and of the decisions on deferred credential requests
(``oid4vci_deferred.decide``: the citizen's activity log and alert)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.approvals": {"vi": "Duyệt giấy tờ", "en": "Credential approvals"},
    "identity.approvals.title": {"vi": "Duyệt cấp giấy tờ cho ví khác", "en": "Approve credentials for other wallets"},
    "identity.approvals.explain": {
        "vi": "Công dân của phường xin nhận vào một ví khác loại giấy tờ cần cán bộ phường duyệt trước (như xác nhận "
              "cư trú). Hãy kiểm tra hồ sơ cư trú trước khi duyệt. Bạn không thể duyệt yêu cầu của chính mình.",
        "en": "Citizens of your ward ask for a credential that a ward official must approve first (such as proof of "
              "residence) to go into another wallet. Check the residence records before approving. You cannot "
              "decide your own request."},
    "identity.approvals.empty": {"vi": "Không có yêu cầu nào đang chờ duyệt.", "en": "No request is waiting."},
    "identity.approvals.birth_year": {"vi": "Năm sinh", "en": "Year of birth"},
    "identity.approvals.credential": {"vi": "Giấy tờ xin nhận", "en": "Credential asked for"},
    "identity.approvals.wallet": {"vi": "Ví xin nhận", "en": "Wallet asking"},
    "identity.approvals.when": {"vi": "Lúc yêu cầu", "en": "Asked at"},
    "identity.approvals.copies_n": {"vi": "{n} bản", "en": "copies: {n}"},
    "identity.approvals.offer_wallet": {
        "vi": "ví do công dân tự chọn (nhận lời mời kèm mã dùng một lần)",
        "en": "a wallet the citizen chose (through an offer with a one-time code)"},
    "identity.approvals.approve": {"vi": "Duyệt", "en": "Approve"},
    "identity.approvals.refuse": {"vi": "Từ chối", "en": "Refuse"},
    "identity.approvals.back": {"vi": "Quay lại", "en": "Back"},
    "identity.approvals.confirm_title": {"vi": "Xác nhận quyết định", "en": "Confirm the decision"},
    "identity.approvals.confirm_approve": {
        "vi": "Duyệt: {wallet} sẽ nhận {kind} của {name} ở lần hỏi tiếp theo. Công dân được báo và quyết định được "
              "ghi vào nhật ký hoạt động của họ.",
        "en": "Approve: {wallet} will receive the {kind} of {name} when it next asks. The citizen is told and the "
              "decision goes into their activity log."},
    "identity.approvals.confirm_refuse": {
        "vi": "Từ chối: {wallet} sẽ không nhận {kind} của {name}. Công dân được báo kèm lý do bạn ghi dưới đây.",
        "en": "Refuse: {wallet} will not receive the {kind} of {name}. The citizen is told, with the reason you write "
              "below."},
    "identity.approvals.note_label": {"vi": "Lý do từ chối (công dân sẽ đọc)",
                                      "en": "Reason for refusing (the citizen reads it)"},
    "identity.approvals.note_hint": {
        "vi": "Viết rõ, lịch sự, và nói công dân cần làm gì, ví dụ: «Địa chỉ trong hồ sơ chưa khớp sổ tạm trú, mời "
              "ông/bà đến UBND phường».",
        "en": "Write clearly and politely, and say what the citizen should do, e.g. “The address in your profile "
              "does not match the residence register; please come to the ward office”."},
    "identity.approvals.confirm_yes_approve": {"vi": "Duyệt yêu cầu", "en": "Approve the request"},
    "identity.approvals.confirm_yes_refuse": {"vi": "Từ chối yêu cầu", "en": "Refuse the request"},
    "identity.approvals.choose_first": {"vi": "Hãy chọn lại yêu cầu và quyết định.",
                                        "en": "Choose the request and the decision again."},
    "identity.approvals.done_approved": {
        "vi": "Đã duyệt yêu cầu của {name}. Ví sẽ nhận giấy tờ khi hỏi lại (thường trong vài phút); công dân đã được "
              "báo.",
        "en": "Approved the request of {name}. The wallet receives the credential when it asks again (usually within "
              "a few minutes); the citizen has been told."},
    "identity.approvals.done_refused": {
        "vi": "Đã từ chối yêu cầu của {name}. Ví sẽ nhận câu trả lời từ chối khi hỏi lại; công dân đã được báo kèm lý "
              "do.",
        "en": "Refused the request of {name}. The wallet gets the refusal when it asks again; the citizen has been "
              "told, with the reason."},
    "identity.oid4vci.refusal_note_required": {"vi": "Hãy ghi lý do từ chối; công dân sẽ đọc lý do này.",
                                               "en": "Write the reason for refusing; the citizen will read it."},
    "identity.activity.vci_approved": {
        "vi": "Cán bộ {agency} đã duyệt yêu cầu nhận {kind} vào một ví khác",
        "en": "An official of {agency} approved the request for your {kind} to go into another wallet"},
    "identity.activity.vci_refused": {
        "vi": "Cán bộ {agency} đã từ chối yêu cầu nhận {kind} vào một ví khác. Lý do: {note}",
        "en": "An official of {agency} refused the request for your {kind} to go into another wallet. Reason: {note}"},
    "identity.alert.vci_approved_title": {"vi": "Yêu cầu nhận giấy tờ đã được duyệt",
                                          "en": "Credential request approved"},
    "identity.alert.vci_approved_body": {
        "vi": "Công dân số: cán bộ phường đã duyệt yêu cầu nhận giấy tờ của bạn vào một ví khác; ví sẽ nhận giấy tờ "
              "khi hỏi lại. Nếu bạn không yêu cầu, hãy báo UBND phường và thu hồi giấy tờ trong ví Công dân số.",
        "en": "Công dân số: a ward official approved the request for your credential to go into another wallet; the "
              "wallet receives it when it asks again. If you did not ask, tell the ward office and revoke the "
              "credential in the Công dân số wallet."},
    "identity.alert.vci_refused_title": {"vi": "Yêu cầu nhận giấy tờ bị từ chối", "en": "Credential request refused"},
    "identity.alert.vci_refused_body": {
        "vi": "Công dân số: cán bộ phường đã từ chối yêu cầu nhận giấy tờ của bạn vào một ví khác. Lý do: {note}",
        "en": "Công dân số: a ward official refused the request for your credential to go into another wallet. "
              "Reason: {note}"},
}
