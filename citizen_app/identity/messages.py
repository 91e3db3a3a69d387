"""Messages of the identity package (wallet keys here; the lead adds ``auth.`` keys)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- credential kinds and approval methods (used when rendering the activity log) ---
    "identity.kind.identity": {"vi": "thẻ căn cước số", "en": "digital identity card"},
    "identity.kind.residence": {"vi": "xác nhận cư trú", "en": "proof of residence"},
    "identity.kind.age18": {"vi": "xác nhận trên 18 tuổi", "en": "over-18 attestation"},
    "identity.kind.age60": {"vi": "xác nhận trên 60 tuổi", "en": "over-60 attestation"},
    "identity.kind.student": {"vi": "thẻ học sinh, sinh viên", "en": "student status"},
    "identity.kind.result": {"vi": "kết quả thủ tục", "en": "procedure result"},
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
    # --- credentials ---
    "identity.credential.unknown_kind": {"vi": "Loại giấy tờ số không tồn tại.", "en": "Unknown credential type."},
    "identity.credential.needs_level2": {"vi": "Cần xác thực danh tính mức 2 để nhận giấy tờ này.",
                                         "en": "Level 2 identity verification is needed for this credential."},
    "identity.credential.no_address": {"vi": "Hồ sơ chưa có địa chỉ cư trú.", "en": "The profile has no address."},
    "identity.credential.no_birth_date": {"vi": "Hồ sơ chưa có ngày sinh.", "en": "The profile has no birth date."},
    "identity.credential.age_not_reached": {"vi": "Bạn chưa đủ {age} tuổi.", "en": "You are not yet {age}."},
    "identity.credential.bad_claims": {"vi": "Thông tin cấp giấy tờ không đầy đủ hoặc không hợp lệ.",
                                       "en": "The credential details are missing or invalid."},
    "identity.credential.bad_holder_key": {"vi": "Khóa của ví không hợp lệ. Hãy mở lại ví.",
                                           "en": "The wallet key is invalid. Please reopen the wallet."},
    "identity.credential.not_server_key": {"vi": "Giấy tờ này được giữ trên thiết bị, không phải trên máy chủ.",
                                           "en": "This credential is held on your device, not on the server."},
    # --- status list ---
    "identity.status.full": {"vi": "Không cấp được chỉ số trạng thái, hãy thử lại.",
                             "en": "Could not allocate a status index, please retry."},
    "identity.status.unknown": {"vi": "Danh sách trạng thái không tồn tại.", "en": "Unknown status list."},
    "identity.status.bad_value": {"vi": "Giá trị trạng thái không hợp lệ.", "en": "Invalid status value."},
    # --- verification results ---
    "identity.verify.ok": {"vi": "Hợp lệ", "en": "Valid"},
    "identity.verify.malformed": {"vi": "Mã QR không đúng định dạng giấy tờ số.",
                                  "en": "The QR code is not a valid credential."},
    "identity.verify.bad_alg": {"vi": "Thuật toán chữ ký không được chấp nhận.",
                                "en": "Signature algorithm not accepted."},
    "identity.verify.bad_typ": {"vi": "Loại dữ liệu không đúng.", "en": "Wrong data type."},
    "identity.verify.bad_key": {"vi": "Khóa không hợp lệ.", "en": "Invalid key."},
    "identity.verify.untrusted_issuer": {"vi": "Nơi cấp không nằm trong danh sách tin cậy.",
                                         "en": "The issuer is not trusted."},
    "identity.verify.bad_signature": {"vi": "Chữ ký của nơi cấp không đúng: giấy tờ có thể bị giả mạo.",
                                      "en": "Issuer signature invalid: the credential may be forged."},
    "identity.verify.expired": {"vi": "Giấy tờ đã hết hạn.", "en": "The credential has expired."},
    "identity.verify.not_yet_valid": {"vi": "Giấy tờ chưa có hiệu lực.", "en": "The credential is not yet valid."},
    "identity.verify.wrong_type": {"vi": "Không phải loại giấy tờ được yêu cầu.",
                                   "en": "Not the requested credential type."},
    "identity.verify.bad_disclosure": {"vi": "Thông tin xuất trình đã bị sửa đổi.",
                                       "en": "The disclosed information was altered."},
    "identity.verify.missing_cnf": {"vi": "Giấy tờ không gắn với thiết bị của người giữ.",
                                    "en": "The credential is not bound to a holder device."},
    "identity.verify.missing_kb": {"vi": "Thiếu xác nhận của người giữ giấy tờ.",
                                   "en": "The holder's confirmation is missing."},
    "identity.verify.bad_kb_signature": {"vi": "Xác nhận không đến từ thiết bị của người giữ giấy tờ.",
                                         "en": "The confirmation was not made by the holder's device."},
    "identity.verify.bad_sd_hash": {"vi": "Nội dung xuất trình đã bị thay đổi sau khi xác nhận.",
                                    "en": "The presentation was changed after it was confirmed."},
    "identity.verify.wrong_audience": {"vi": "Mã này dành cho nơi kiểm tra khác.",
                                       "en": "This code was made for another verifier."},
    "identity.verify.wrong_nonce": {"vi": "Mã yêu cầu không đúng, đã dùng hoặc đã hết hạn. Hãy tạo yêu cầu mới.",
                                    "en": "Wrong, used or expired request code. Start a new request."},
    "identity.verify.stale_kb": {"vi": "Mã QR đã quá 1 phút. Đề nghị người dân mở lại mã mới.",
                                 "en": "The QR code is older than one minute. Ask for a fresh code."},
    "identity.verify.replay": {"vi": "Mã này đã được dùng rồi (có thể là ảnh chụp lại).",
                               "en": "This code was already used (possibly a screenshot)."},
    "identity.verify.revoked": {"vi": "Giấy tờ đã bị thu hồi.", "en": "The credential has been revoked."},
    "identity.verify.status_unavailable": {"vi": "Không kiểm tra được trạng thái thu hồi.",
                                           "en": "Could not check revocation status."},
    "identity.verify.bad_audience": {"vi": "Mã nơi kiểm tra không hợp lệ.", "en": "Invalid verifier identifier."},
    "identity.verify.bad_request_qr": {"vi": "Mã QR yêu cầu không hợp lệ.", "en": "Invalid request QR code."},
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
    # --- signatures ---
    "identity.sign.needs_level2": {"vi": "Cần xác thực danh tính mức 2 để ký số.",
                                   "en": "Level 2 identity verification is needed to sign."},
    "identity.sign.pdf_size": {"vi": "Tệp PDF trống hoặc lớn hơn {mb} MB.", "en": "The PDF is empty or over {mb} MB."},
    "identity.sign.not_pdf": {"vi": "Tệp không phải PDF hợp lệ.", "en": "The file is not a valid PDF."},
    "identity.sign.encrypted": {"vi": "Không ký được tệp PDF có mật khẩu.",
                                "en": "Password-protected PDFs cannot be signed."},
    "identity.sign.approval_failed": {"vi": "Xác nhận ký không thành công.", "en": "Signing approval failed."},
    "identity.sign.request_closed": {"vi": "Yêu cầu ký đã được xử lý hoặc đã hết hạn.",
                                     "en": "The signing request was already handled or has expired."},
    "identity.sign.bad_agency": {"vi": "Mã cơ quan không hợp lệ.", "en": "Invalid agency code."},
    "identity.sign.reference": {"vi": "Mã tài liệu: {code}. Hãy kiểm tra mã này trùng với mã trên màn hình kia.",
                                "en": "Document code: {code}. Check it matches the code on the other screen."},
    "identity.sign.disclaimer": {
        "vi": "Chữ ký điện tử chuyên dùng trong hệ thống Công dân số, không phải chữ ký số công cộng.",
        "en": "A specialised e-signature within Công dân số, not a public digital signature."},
    "identity.wallet.server_key_notice": {
        "vi": "Trình duyệt không hỗ trợ khóa an toàn; giấy tờ được giữ bằng khóa trên máy chủ.",
        "en": "This browser lacks secure keys; credentials use a key held on our server."},
    "identity.error.login_required": {"vi": "Vui lòng đăng nhập.", "en": "Please sign in."},
}

# --- account alerts (in-app title + body; the body alone goes by SMS/e-mail, so it stands on its own) ---
MESSAGES.update({
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
})

# Texts of the wallet pages live in their own module to keep this file readable.
from citizen_app.identity.wallet_messages import UI_MESSAGES  # noqa: E402

MESSAGES.update(UI_MESSAGES)
