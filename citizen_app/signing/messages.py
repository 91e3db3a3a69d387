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
}
