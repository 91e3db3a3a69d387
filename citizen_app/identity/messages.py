"""Messages of the identity pillar: accounts, registration, profile, passkeys, the activity log, the ward desk and
account recovery (the ``auth.``/``admin.`` texts of login and administration are in ``i18n/messages_auth.py``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- approval methods (used when rendering the activity log) ---
    "identity.method.password": {"vi": "mật khẩu", "en": "password"},
    "identity.method.passkey": {"vi": "khóa truy cập (passkey)", "en": "passkey"},
    "identity.method.oidc": {"vi": "đăng nhập liên kết", "en": "linked sign-in"},
    # --- activity log lines ---
    "identity.activity.login": {"vi": "Đăng nhập bằng {method}", "en": "Signed in with {method}"},
    "identity.activity.logout": {"vi": "Đăng xuất", "en": "Signed out"},
    "identity.activity.password_changed": {
        "vi": "Đã đổi mật khẩu; đã đăng xuất {sessions} phiên trên các thiết bị khác",
        "en": "Password changed; {sessions} sessions on other devices signed out"},
    "identity.activity.credential_issued": {"vi": "Đã nhận giấy tờ số: {kind}", "en": "Credential received: {kind}"},
    "identity.activity.credential_revoked": {"vi": "Đã thu hồi giấy tờ số: {kind}",
                                             "en": "Credential revoked: {kind}"},
    "identity.activity.credential_presented": {
        "vi": "Đã xuất trình {kind} cho {verifier} (thông tin chia sẻ: {claims})",
        "en": "Showed {kind} to {verifier} (shared: {claims})"},
    "identity.activity.signed": {"vi": "Đã ký số tài liệu mã {code} (xác nhận bằng {method})",
                                 "en": "Digitally signed document {code} (approved with {method})"},
    "identity.activity.consent_given": {"vi": "Đồng ý chia sẻ {claims} với {party}",
                                        "en": "Agreed to share {claims} with {party}"},
    "identity.activity.consent_revoked": {"vi": "Rút lại đồng ý chia sẻ với {party}",
                                          "en": "Withdrew consent for {party}"},
    "identity.activity.helper_action": {"vi": "Người hỗ trợ đã thực hiện thay bạn: {action}",
                                        "en": "A helper acted for you: {action}"},
    "identity.activity.official_access": {"vi": "Cán bộ {agency} đã xem hồ sơ của bạn ({reason})",
                                          "en": "An official of {agency} viewed your record ({reason})"},
    "identity.activity.profile_changed": {"vi": "Đã cập nhật {count} thông tin cá nhân",
                                          "en": "Updated {count} profile fields"},
    "identity.activity.profile_dropped": {
        "vi": "Đã sửa thông tin đã xác thực ({count} mục): tài khoản trở về mức 1 cho đến khi xác thực lại",
        "en": "Changed verified details ({count} fields): account back to level 1 until verified again"},
    "identity.activity.profile_verified_card": {"vi": "Danh tính được xác thực mức 2 qua kiểm tra thẻ căn cước",
                                                "en": "Identity verified to level 2 by checking the ID card"},
    "identity.activity.profile_verified_oidc": {"vi": "Danh tính được xác thực mức 2 qua tài khoản định danh",
                                                "en": "Identity verified to level 2 through the identity provider"},
    "identity.activity.passkey_added": {"vi": "Đã thêm khóa truy cập “{name}”", "en": "Added passkey “{name}”"},
    "identity.activity.passkey_removed": {"vi": "Đã xóa khóa truy cập “{name}”", "en": "Removed passkey “{name}”"},
    "identity.activity.desk_wrong_card": {
        "vi": "Cán bộ phường nhập số thẻ căn cước không khớp với hồ sơ của bạn",
        "en": "A ward official typed an ID card number that does not match your profile"},
    "identity.activity.desk_refused": {
        "vi": "Đã từ chối kiểm tra thẻ căn cước cho tài khoản của bạn: nhập sai quá nhiều lần",
        "en": "An ID card check for your account was refused: too many wrong numbers"},
    "identity.activity.bad_kind": {"vi": "Loại hoạt động không hợp lệ.", "en": "Unknown activity type."},
    "identity.activity.bad_params": {"vi": "Dữ liệu nhật ký không hợp lệ.", "en": "Invalid log data."},
    # --- profile ---
    "identity.profile.id_format": {"vi": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
                                   "en": "The personal ID number must have exactly 12 digits."},
    "identity.profile.id_province": {"vi": "Ba số đầu của số định danh không phải mã tỉnh, thành phố hợp lệ.",
                                     "en": "The first three digits are not a valid province code."},
    "identity.profile.id_birth_mismatch": {"vi": "Số định danh không khớp với năm sinh.",
                                           "en": "The ID number does not match the year of birth."},
    "identity.profile.id_sex_mismatch": {"vi": "Số định danh không khớp với giới tính.",
                                         "en": "The ID number does not match the sex."},
    "identity.profile.id_taken": {"vi": "Số định danh này đã được dùng cho một tài khoản khác.",
                                  "en": "This ID number is already used by another account."},
    "identity.profile.id_card_mismatch": {"vi": "Số trên thẻ căn cước không khớp với hồ sơ.",
                                          "en": "The number on the ID card does not match the profile."},
    "identity.profile.incomplete": {"vi": "Hồ sơ cần có số định danh, ngày sinh và giới tính trước khi xác thực.",
                                    "en": "The profile needs ID number, date of birth and sex before verification."},
    "identity.profile.no_self_verify": {"vi": "Bạn không thể tự xác thực danh tính của mình.",
                                        "en": "You cannot verify your own identity."},
    "identity.profile.sex_invalid": {"vi": "Giới tính không hợp lệ.", "en": "Invalid sex."},
    "identity.profile.birth_invalid": {"vi": "Ngày sinh không hợp lệ.", "en": "Invalid date of birth."},
    "identity.profile.address_long": {"vi": "Địa chỉ quá dài.", "en": "The address is too long."},
    "identity.profile.contact_invalid": {"vi": "Số điện thoại hoặc thư điện tử không hợp lệ.",
                                         "en": "Invalid phone number or e-mail."},
    # --- passkeys ---
    "identity.passkey.challenge_invalid": {"vi": "Yêu cầu đã hết hạn, vui lòng thử lại.",
                                           "en": "The request expired, please try again."},
    "identity.passkey.failed": {"vi": "Không xác minh được khóa truy cập.", "en": "Passkey could not be verified."},
    "identity.passkey.exists": {"vi": "Khóa truy cập này đã được đăng ký.",
                                "en": "This passkey is already registered."},
    "identity.passkey.none": {"vi": "Tài khoản chưa có khóa truy cập.", "en": "The account has no passkey."},
    "identity.passkey.too_many": {"vi": "Mỗi tài khoản có tối đa {n} khóa truy cập.",
                                  "en": "At most {n} passkeys per account."},
    "identity.passkey.last_one": {"vi": "Không thể xóa khóa truy cập cuối cùng khi tài khoản chưa có mật khẩu.",
                                  "en": "You cannot remove the last passkey of an account without a password."},
    "identity.passkey.name_required": {"vi": "Hãy đặt tên cho khóa truy cập.", "en": "Please name the passkey."},
    # --- sign-in ---
    "identity.error.login_required": {"vi": "Vui lòng đăng nhập.", "en": "Please sign in."},
    # --- account alerts (in-app title + body; the body alone goes by SMS/e-mail, so it stands on its own) ---
    "identity.alert.desk_locked_title": {"vi": "Cảnh báo: kiểm tra thẻ căn cước bị chặn",
                                         "en": "Warning: ID card checks stopped"},
    "identity.alert.desk_locked_body": {
        "vi": "Công dân số: tại bàn tiếp dân, số thẻ căn cước của bạn bị nhập sai nhiều lần nên việc xác thực và "
              "khôi phục tài khoản của bạn tạm dừng 15 phút. Nếu không phải bạn đang làm thủ tục, hãy báo UBND phường.",
        "en": "Công dân số: at a ward desk, wrong ID card numbers were typed for your account several times, so "
              "identity checks and account recovery for you are paused for 15 minutes. If you are not at the ward, "
              "tell your ward office."},
    "identity.alert.verified_title": {"vi": "Danh tính đã được xác thực mức 2", "en": "Identity verified (level 2)"},
    "identity.alert.verified_body": {
        "vi": "Công dân số: cán bộ phường đã kiểm tra thẻ căn cước và xác thực danh tính mức 2 cho tài khoản của bạn. "
              "Nếu bạn không đến phường, hãy báo UBND phường ngay.",
        "en": "Công dân số: a ward official checked the ID card and verified your account to identity level 2. "
              "If you did not go to the ward, tell your ward office now."},
    "identity.alert.recovery_issued_title": {"vi": "Đã cấp mã khôi phục tài khoản",
                                             "en": "Account recovery code issued"},
    "identity.alert.recovery_issued_body": {
        "vi": "Công dân số: cán bộ phường vừa cấp mã khôi phục tài khoản của bạn (dùng được 15 phút). Nếu bạn không "
              "yêu cầu, hãy báo UBND phường ngay.",
        "en": "Công dân số: a ward official just issued a recovery code for your account (valid 15 minutes). "
              "If you did not ask for it, tell your ward office now."},
    "identity.alert.recovery_used_title": {"vi": "Mật khẩu đã được đặt lại", "en": "Password reset"},
    "identity.alert.recovery_used_body": {
        "vi": "Công dân số: mật khẩu tài khoản của bạn vừa được đặt lại bằng mã khôi phục và mọi thiết bị đã bị "
              "đăng xuất. Nếu không phải bạn, hãy đến UBND phường cùng thẻ căn cước.",
        "en": "Công dân số: your password was just reset with a recovery code and every device was signed out. "
              "If it was not you, go to your ward office with your ID card."},
    # --- registration with a one-time code ---
    "identity.register.msg_code": {
        "vi": "Công dân số: mã xác nhận đăng ký của bạn là {code} (hiệu lực {minutes} phút). Không đưa mã này "
              "cho ai.",
        "en": "Công dân số: your registration code is {code} (valid {minutes} minutes). Do not give it to anyone."},
    "identity.register.msg_exists": {
        "vi": "Công dân số: có người vừa thử đăng ký tài khoản mới bằng số điện thoại/email này, nhưng nó đã có "
              "tài khoản. Nếu là bạn, hãy đăng nhập tại {url}/login hoặc khôi phục tài khoản tại UBND phường. "
              "Nếu không phải bạn, hãy bỏ qua tin này.",
        "en": "Công dân số: someone just tried to register a new account with this phone/e-mail, which already "
              "has one. If it was you, log in at {url}/login or recover your account at the ward office. If it "
              "was not you, ignore this message."},
    "identity.register.code_sent": {
        "vi": "Chúng tôi đã gửi tin nhắn tới {to}. Nhập mã 6 số trong tin để tạo tài khoản.",
        "en": "We have sent a message to {to}. Enter the 6-digit code from it to create your account."},
    "identity.register.code_sent_more": {
        "vi": "Mã có hiệu lực 10 phút. Không nhận được tin? Kiểm tra lại số điện thoại hoặc email rồi bắt đầu lại.",
        "en": "The code works for 10 minutes. No message? Check the phone number or e-mail and start again."},
    "identity.register.code": {"vi": "Mã xác nhận (6 số)", "en": "Confirmation code (6 digits)"},
    "identity.register.confirm": {"vi": "Xác nhận và tạo tài khoản", "en": "Confirm and create the account"},
    "identity.register.start_again": {"vi": "Bắt đầu lại", "en": "Start again"},
    "identity.register.continue": {"vi": "Tiếp tục", "en": "Continue"},
    "identity.register.code_wrong": {"vi": "Mã không đúng. Bạn còn {left} lần thử.",
                                     "en": "The code is not right. {left} tries left."},
    "identity.register.code_spent": {
        "vi": "Mã này không còn dùng được (đã hết hạn, đã dùng hoặc nhập sai quá nhiều lần). Hãy bắt đầu lại để "
              "nhận mã mới.",
        "en": "This code can no longer be used (expired, used or too many wrong tries). Start again for a new one."},
    "identity.register.too_many": {
        "vi": "Đã gửi quá nhiều mã. Vui lòng thử lại sau {minutes} phút.",
        "en": "Too many codes were sent. Please try again in {minutes} minutes."},
    "identity.register.too_many_today": {
        "vi": "Đã gửi quá nhiều mã tới số điện thoại/email này hôm nay. Vui lòng thử lại vào ngày mai.",
        "en": "Too many codes were sent to this phone/e-mail today. Please try again tomorrow."},
    # --- wallet home ---
    "identity.ui.level_title": {"vi": "Mức định danh", "en": "Identity level"},
    "identity.ui.level1_short": {"vi": "Mức 1 — tự khai báo", "en": "Level 1 — self-declared"},
    "identity.ui.level2_short": {"vi": "Mức 2 — đã xác thực", "en": "Level 2 — verified"},
    "identity.ui.level1_explain": {
        "vi": "Mức 1: thông tin do bạn tự khai. Để lên mức 2, mang thẻ căn cước đến UBND hoặc Công an phường; "
              "cán bộ hoặc tình nguyện viên sẽ đối chiếu và xác thực.",
        "en": "Level 1: details you entered yourself. To reach level 2, bring your ID card to the ward office or "
              "police; an official or volunteer checks it and verifies you."},
    "identity.ui.level2_explain": {
        "vi": "Mức 2: danh tính đã được đối chiếu với thẻ căn cước. Bạn có thể nhận giấy tờ số và ký số.",
        "en": "Level 2: your identity was checked against your ID card. You can receive credentials and sign."},
    # --- profile ---
    "identity.ui.profile_title": {"vi": "Thông tin cá nhân", "en": "Personal details"},
    "identity.ui.profile_reverify": {
        "vi": "Sửa họ tên, ngày sinh, giới tính, số định danh hoặc địa chỉ sẽ đưa tài khoản về mức 1 cho đến khi "
              "được xác thực lại.",
        "en": "Changing name, date of birth, sex, ID number or address returns the account to level 1 until it is "
              "verified again."},
    "identity.ui.profile_dropped": {"vi": "Đã lưu. Tài khoản trở về mức 1 cho đến khi được xác thực lại.",
                                    "en": "Saved. The account is back to level 1 until verified again."},
    "identity.ui.full_name": {"vi": "Họ, chữ đệm và tên", "en": "Full name"},
    "identity.ui.birth_date": {"vi": "Ngày sinh", "en": "Date of birth"},
    "identity.ui.sex": {"vi": "Giới tính", "en": "Sex"},
    "identity.ui.sex_none": {"vi": "Không khai", "en": "Not given"},
    "identity.ui.sex_F": {"vi": "Nữ", "en": "Female"},
    "identity.ui.sex_M": {"vi": "Nam", "en": "Male"},
    "identity.ui.id_number": {"vi": "Số định danh cá nhân (12 số)", "en": "Personal ID number (12 digits)"},
    "identity.ui.id_hint": {"vi": "In trên thẻ căn cước, ví dụ 079166001234.",
                            "en": "Printed on your ID card, e.g. 079166001234."},
    "identity.ui.address": {"vi": "Địa chỉ thường trú", "en": "Permanent address"},
    "identity.ui.ward": {"vi": "Phường, xã", "en": "Ward"},
    "identity.ui.phone": {"vi": "Số điện thoại", "en": "Phone number"},
    "identity.ui.email": {"vi": "Thư điện tử", "en": "E-mail"},
    # --- the browser script (wallet_ui.js) ---
    "identity.ui.script_failed": {"vi": "Không tải được ví trên trình duyệt. Hãy tải lại trang.",
                                  "en": "The browser wallet did not load. Please reload the page."},
    "identity.ui.unexpected": {"vi": "Đã có lỗi. Vui lòng thử lại.", "en": "Something went wrong. Please try again."},
    # --- passkeys ---
    "identity.ui.passkeys_title": {"vi": "Khóa truy cập (passkey)", "en": "Passkeys"},
    "identity.ui.passkeys_explain": {
        "vi": "Đăng nhập bằng vân tay, khuôn mặt hoặc mã khóa màn hình thay cho mật khẩu. Bạn có thể có nhiều khóa.",
        "en": "Sign in with your fingerprint, face or screen lock instead of a password. You can have several."},
    "identity.ui.passkeys_recovery": {
        "vi": "Mất hết thiết bị? Mang thẻ căn cước đến phường để khôi phục tài khoản.",
        "en": "Lost all your devices? Bring your ID card to the ward office to recover the account."},
    "identity.ui.passkey_name": {"vi": "Tên khóa", "en": "Passkey name"},
    "identity.ui.passkey_name_hint": {"vi": "Ví dụ: Điện thoại của tôi", "en": "For example: My phone"},
    "identity.ui.passkey_add": {"vi": "Thêm khóa truy cập", "en": "Add a passkey"},
    "identity.ui.passkey_follow": {"vi": "Làm theo hướng dẫn trên thiết bị của bạn…",
                                   "en": "Follow the instructions on your device…"},
    "identity.ui.passkey_added": {"vi": "Đã thêm khóa “{name}”.", "en": "Passkey “{name}” added."},
    "identity.ui.passkey_removed": {"vi": "Đã xóa khóa truy cập.", "en": "Passkey removed."},
    "identity.ui.passkey_created": {"vi": "Tạo ngày", "en": "Created"},
    "identity.ui.passkey_synced": {"vi": "đồng bộ giữa các thiết bị", "en": "synced across devices"},
    "identity.ui.passkey_cancelled": {"vi": "Bạn đã hủy hoặc hết thời gian.", "en": "Cancelled or timed out."},
    "identity.ui.passkey_unsupported": {"vi": "Thiết bị này không hỗ trợ khóa truy cập.",
                                        "en": "This device does not support passkeys."},
    "identity.ui.passkey_login": {"vi": "Đăng nhập bằng khóa truy cập", "en": "Sign in with a passkey"},
    "identity.ui.rename": {"vi": "Đổi tên", "en": "Rename"},
    "identity.ui.remove": {"vi": "Xóa", "en": "Remove"},
    # --- activity ---
    "identity.ui.activity_title": {"vi": "Nhật ký hoạt động", "en": "Activity log"},
    "identity.ui.activity_explain": {
        "vi": "Mọi lần đăng nhập, nhận, xuất trình giấy tờ, ký số; sự đồng ý bạn cho tình nguyện viên (khi cho, khi "
              "họ dùng, khi thu hồi, khi hết hạn) và mỗi lần cán bộ xem hồ sơ của bạn, có tên người xem. Mới nhất ở "
              "trên. Các dòng được nối bằng mã băm nên không thể sửa hay xóa mà không bị phát hiện.",
        "en": "Every sign-in, credential received or shown, signature; the consents you give volunteers (given, "
              "used, withdrawn, ended) and every time an official views your dossiers, by name. Newest first. "
              "Entries are hash-chained, so edits or deletions are detectable."},
    "identity.ui.activity_empty": {"vi": "Chưa có hoạt động nào.", "en": "No activity yet."},
    "identity.ui.by_other": {"vi": "do người khác thực hiện", "en": "done by someone else"},
    "identity.ui.verify_chain": {"vi": "Kiểm tra tính toàn vẹn", "en": "Check integrity"},
    "identity.ui.chain_ok": {"vi": "Nhật ký nguyên vẹn: {count} dòng, không bị sửa đổi.",
                             "en": "Log intact: {count} entries, nothing altered."},
    "identity.ui.chain_broken": {"vi": "Cảnh báo: nhật ký bị sửa đổi từ dòng {seq}. Hãy báo cho tổng đài 1022.",
                                 "en": "Warning: the log was altered from entry {seq}. Please call 1022."},
    # --- ward desk ---
    "identity.desk.title": {"vi": "Xác thực danh tính tại phường", "en": "Ward identity check"},
    "identity.desk.explain": {
        "vi": "Dành cho cán bộ phường, khi người dân có mặt cùng thẻ căn cước gốc. Tìm người dân của phường theo "
              "số điện thoại, đối chiếu họ tên và năm sinh với thẻ, rồi gõ số in trên thẻ. Việc tra cứu được ghi "
              "vào nhật ký của người dân; nhập sai số thẻ 3 lần thì việc kiểm tra bị dừng và người dân được báo.",
        "en": "For ward officials, with the citizen and their original ID card present. Find a citizen of your ward "
              "by phone, compare the name and year of birth with the card, then type the number printed on it. The "
              "look-up is recorded in the citizen's log; after 3 wrong card numbers the checks stop and the citizen "
              "is told."},
    "identity.desk.volunteer_note": {
        "vi": "Kiểm tra thẻ căn cước và khôi phục tài khoản chỉ do cán bộ phường của người dân thực hiện tại bộ phận "
              "một cửa. Hãy giúp người dân điền hồ sơ trên điện thoại của họ và hướng dẫn họ mang thẻ căn cước đến "
              "phường.",
        "en": "ID card checks and account recovery are done only by an official of the citizen's own ward, at the "
              "ward's one-stop desk. Help citizens fill in their profile on their own phone and send them to the "
              "ward with their ID card."},
    "identity.desk.ward_officials_only": {
        "vi": "Chỉ cán bộ thuộc một cơ quan cấp phường mới được kiểm tra thẻ căn cước.",
        "en": "Only an official of a ward agency may check ID cards."},
    "identity.desk.other_ward": {
        "vi": "Người dân này không thuộc phường {ward}: việc kiểm tra do cán bộ phường của họ thực hiện.",
        "en": "This citizen does not live in {ward} ward: their own ward's officials do the check."},
    "identity.desk.locked": {
        "vi": "Nhập sai số thẻ quá nhiều lần: việc kiểm tra bị dừng {minutes} phút và người dân đã được báo.",
        "en": "Too many wrong card numbers: checks are stopped for {minutes} minutes and the citizen has been told."},
    "identity.desk.ward": {"vi": "Phường, xã", "en": "Ward"},
    "identity.desk.birth_year": {"vi": "Năm sinh", "en": "Year of birth"},
    "identity.desk.phone": {"vi": "Số điện thoại người dân", "en": "Citizen's phone number"},
    "identity.desk.phone_hint": {"vi": "Ví dụ 0903123456", "en": "For example 0903123456"},
    "identity.desk.phone_only": {"vi": "Hãy nhập số điện thoại.", "en": "Please enter a phone number."},
    "identity.desk.search": {"vi": "Tìm", "en": "Search"},
    "identity.desk.not_found": {"vi": "Không tìm thấy người dân của phường có hồ sơ với số này.",
                                "en": "No citizen of your ward with a profile has this number."},
    "identity.desk.search_first": {"vi": "Hãy tìm người dân trước.", "en": "Search for the citizen first."},
    "identity.desk.card_number": {"vi": "Số định danh in trên thẻ", "en": "ID number printed on the card"},
    "identity.desk.card_hint": {"vi": "Gõ lại từ thẻ gốc, không hỏi người dân.",
                                "en": "Type it from the original card, do not ask the citizen."},
    "identity.desk.verify": {"vi": "Xác nhận mức 2", "en": "Confirm level 2"},
    "identity.desk.verified": {"vi": "{name} đã được xác thực mức 2.", "en": "{name} is now verified (level 2)."},
    # --- account recovery at the ward ---
    "identity.recovery.desk_title": {"vi": "Cấp mã khôi phục tài khoản", "en": "Issue an account recovery code"},
    "identity.recovery.desk_explain": {
        "vi": "Người dân mất thiết bị hoặc quên mật khẩu: kiểm tra thẻ căn cước, nhập số in trên thẻ, rồi đưa mã cho "
              "người dân. Mã dùng một lần trong 15 phút.",
        "en": "For a citizen who lost their device or password: check the ID card, type the number printed on it, "
              "then hand over the code. It works once, within 15 minutes."},
    "identity.recovery.card_number": {"vi": "Nhập lại số định danh từ thẻ căn cước",
                                      "en": "Type the ID number from the card again"},
    "identity.recovery.desk_submit": {"vi": "Cấp mã khôi phục", "en": "Issue recovery code"},
    "identity.recovery.code_ready": {"vi": "Mã khôi phục (hết hạn lúc {until}):",
                                     "en": "Recovery code (expires at {until}):"},
    "identity.recovery.code_given": {"vi": "Đã cấp mã khôi phục cho {name}.", "en": "Recovery code issued for {name}."},
    "identity.recovery.title": {"vi": "Khôi phục tài khoản", "en": "Recover your account"},
    "identity.recovery.explain": {
        "vi": "Mang thẻ căn cước đến bộ phận một cửa phường. Cán bộ kiểm tra thẻ và cấp mã khôi phục; nhập mã đó "
              "ở đây để đặt mật khẩu mới. Mọi thiết bị đang đăng nhập sẽ bị đăng xuất.",
        "en": "Bring your ID card to the ward office. The official checks it and gives you a recovery code; enter "
              "it here to set a new password. Every signed-in device will be signed out."},
    "identity.recovery.identifier": {"vi": "Số điện thoại hoặc email của tài khoản",
                                     "en": "Phone number or e-mail of the account"},
    "identity.recovery.code": {"vi": "Mã khôi phục", "en": "Recovery code"},
    "identity.recovery.code_hint": {"vi": "10 ký tự, cán bộ phường đưa cho bạn",
                                    "en": "10 characters, from the ward official"},
    "identity.recovery.password": {"vi": "Mật khẩu mới", "en": "New password"},
    "identity.recovery.password_hint": {"vi": "Ít nhất 10 ký tự, có cả chữ và số",
                                        "en": "At least 10 characters, with letters and digits"},
    "identity.recovery.password2": {"vi": "Nhập lại mật khẩu mới", "en": "New password again"},
    "identity.recovery.drop_passkeys": {"vi": "Xoá cả các khoá truy cập (passkey) cũ — nên chọn nếu bị mất máy",
                                        "en": "Also remove old passkeys — recommended if a device was lost"},
    "identity.recovery.submit": {"vi": "Đặt mật khẩu mới", "en": "Set new password"},
    "identity.recovery.done": {"vi": "Đã đặt mật khẩu mới và đăng xuất mọi thiết bị. Hãy đăng nhập lại.",
                               "en": "New password set and every device signed out. Please sign in again."},
    "identity.recovery.login": {"vi": "Đăng nhập", "en": "Sign in"},
    "identity.recovery.link": {"vi": "Mất thiết bị hoặc quên mật khẩu? Khôi phục tại phường",
                               "en": "Lost your device or password? Recover at the ward"},
    "identity.recovery.invalid": {"vi": "Mã khôi phục không đúng, đã dùng hoặc đã hết hạn.",
                                  "en": "The recovery code is wrong, used or expired."},
    "identity.recovery.mismatch": {"vi": "Hai mật khẩu không giống nhau.", "en": "The two passwords differ."},
    "identity.recovery.needs_level2": {
        "vi": "Chỉ cấp mã cho người đã xác thực danh tính mức 2. Hãy xác thực thẻ căn cước trước.",
        "en": "Codes are issued only to identity-level-2 citizens. Verify the ID card first."},
    "identity.recovery.not_self": {"vi": "Không thể tự cấp mã khôi phục cho chính mình.",
                                   "en": "You cannot issue a recovery code for yourself."},
    # --- account recovery in the activity log ---
    "identity.activity.recovery_code_issued": {
        "vi": "Cán bộ đã kiểm tra thẻ căn cước và cấp mã khôi phục tài khoản (hạn 15 phút)",
        "en": "An official checked your ID card and issued an account recovery code (valid 15 minutes)"},
    "identity.activity.recovery_failed": {"vi": "Có người nhập sai mã khôi phục tài khoản của bạn",
                                          "en": "Someone entered a wrong recovery code for your account"},
    "identity.activity.recovery_used": {
        "vi": "Đã đặt mật khẩu mới bằng mã khôi phục; {sessions} phiên đăng nhập bị đăng xuất, {passkeys} khoá "
              "truy cập bị xoá",
        "en": "New password set with a recovery code; {sessions} sessions signed out, {passkeys} passkeys removed"},
}
