"""Messages of digital signing: signing requests, approval and the signing certificate page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # --- signatures ---
    "identity.sign.needs_level2": {"vi": "Cần xác thực danh tính mức 2 để ký số.",
                                   "en": "Level 2 identity verification is needed to sign."},
    "identity.sign.pdf_size": {"vi": "Tệp PDF trống hoặc lớn hơn {mb} MB.", "en": "The PDF is empty or over {mb} MB."},
    "identity.sign.not_pdf": {"vi": "Tệp không phải PDF hợp lệ.", "en": "The file is not a valid PDF."},
    "identity.sign.encrypted": {"vi": "Không ký được tệp PDF có mật khẩu.",
                                "en": "Password-protected PDFs cannot be signed."},
    "identity.sign.approval_failed": {"vi": "Xác nhận ký không thành công.", "en": "Signing approval failed."},
    "identity.sign.wrong_password": {
        "vi": "Mật khẩu chưa đúng. Hãy nhập mật khẩu bạn dùng để đăng nhập Công dân số (không phải mã tra cứu hay "
              "mã OTP). Còn {left} lần thử, sau đó việc ký tạm dừng {minutes} phút. Quên mật khẩu? Đổi mật khẩu ở "
              "trang Tài khoản hoặc nhờ phường đặt lại, rồi ký lại: tờ khai của bạn vẫn được giữ nguyên.",
        "en": "Wrong password. Enter the password you sign in to Digital Citizen with (not an access code or a "
              "one-time code). {left} tries left, then signing pauses for {minutes} minutes. Forgot it? Change it on "
              "the Account page or have your ward reset it, then sign again: your declaration is kept."},
    "identity.sign.locked": {
        "vi": "Bạn đã nhập sai mật khẩu ký nhiều lần. Việc ký tạm dừng {minutes} phút để bảo vệ tài khoản; tờ khai "
              "vẫn được giữ. Hãy thử lại sau, hoặc ký bằng khóa truy cập (passkey) nếu đã đăng ký.",
        "en": "Too many wrong signing passwords. Signing pauses for {minutes} minutes to protect your account; your "
              "declaration is kept. Try again later, or sign with a passkey if you have one."},
    "identity.sign.unknown_ca": {"vi": "Không có cơ quan chứng thực này.", "en": "No such certificate authority."},
    "identity.sign.bad_reason": {"vi": "Lý do thu hồi không hợp lệ.", "en": "Invalid revocation reason."},
    "identity.activity.cert_revoked": {"vi": "Đã thu hồi {count} chứng thư ký số của bạn.",
                                       "en": "{count} of your signing certificates revoked."},
    "identity.sign.request_closed": {"vi": "Yêu cầu ký đã được xử lý hoặc đã hết hạn.",
                                     "en": "The signing request was already handled or has expired."},
    "identity.sign.bad_agency": {"vi": "Mã cơ quan không hợp lệ.", "en": "Invalid agency code."},
    "identity.sign.reference": {"vi": "Mã tài liệu: {code}. Hãy kiểm tra mã này trùng với mã trên màn hình kia.",
                                "en": "Document code: {code}. Check it matches the code on the other screen."},
    "identity.sign.disclaimer": {
        "vi": "Chữ ký điện tử chuyên dùng trong hệ thống Công dân số, không phải chữ ký số công cộng.",
        "en": "A specialised e-signature within Công dân số, not a public digital signature."},
    # --- signing certificate ---
    "identity.ui.signing_title": {"vi": "Chứng thư ký số", "en": "Signing certificate"},
    "identity.ui.signing_explain": {
        "vi": "Chứng thư dùng để ký hồ sơ thủ tục. Mỗi lần ký, bạn xem tài liệu và mã tài liệu rồi xác nhận bằng "
              "mật khẩu hoặc khóa truy cập.",
        "en": "Used to sign procedure dossiers. Each time, you see the document and its code, then approve with "
              "your password or a passkey."},
    "identity.ui.cert_none": {"vi": "Bạn chưa có chứng thư ký số.", "en": "You have no signing certificate yet."},
    "identity.ui.cert_subject": {"vi": "Chủ thể", "en": "Subject"},
    "identity.ui.cert_serial": {"vi": "Số hiệu", "en": "Serial number"},
    "identity.ui.cert_valid": {"vi": "Hiệu lực", "en": "Valid"},
    "identity.ui.cert_enrol": {"vi": "Đăng ký chứng thư", "en": "Get a certificate"},
    "identity.ui.cert_renew": {"vi": "Gia hạn nếu sắp hết hạn", "en": "Renew if expiring"},
    "identity.ui.cert_ready": {"vi": "Chứng thư ký số đã sẵn sàng.", "en": "Your signing certificate is ready."},
    "identity.ui.cert_revoke": {"vi": "Thu hồi chứng thư", "en": "Revoke the certificate"},
    "identity.ui.cert_revoke_explain": {
        "vi": "Thu hồi nếu bạn nghi người khác đã dùng tài khoản của bạn để ký. Chứng thư bị thu hồi được công bố "
              "trong danh sách thu hồi (CRL): mọi phần mềm kiểm tra chữ ký sẽ báo. Lần ký sau bạn nhận chứng thư mới.",
        "en": "Revoke it if you think someone else signed with your account. A revoked certificate is published in "
              "the revocation list (CRL): every signature checker will report it. You get a new one when you next sign."},
    "identity.ui.cert_revoked": {"vi": "Đã thu hồi chứng thư ký số.", "en": "Your signing certificate is revoked."},
    "identity.ui.cert_trust_link": {"vi": "Cách kiểm tra chữ ký số", "en": "How to check a digital signature"},
}
