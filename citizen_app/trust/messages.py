"""Texts of the trust pages: the certificate authorities, verify a PDF, and a document's verification page."""

from __future__ import annotations

_PAIRS: dict[str, tuple[str, str]] = {
    # what each certificate signs
    "trust.role.root": ("Chứng thư gốc. Đây là chứng thư bạn cần tin cậy trong phần mềm đọc PDF. Nó chỉ ký chứng thư "
                        "trung gian bên dưới và danh sách thu hồi (CRL) của mình.",
                        "The root. This is the certificate to trust in your PDF reader. It signs only the issuing "
                        "certificate below and its own revocation list (CRL)."),
    "trust.role.issuing": ("Chứng thư trung gian (cấp phát). Ký chứng thư ký số của người dân, của các cơ quan, của "
                           "dịch vụ cấp dấu thời gian, và danh sách thu hồi (CRL) của các chứng thư đó.",
                           "The issuing certificate. It signs citizens' and agencies' signing certificates, the "
                           "time-stamping certificate, and the revocation list (CRL) of all of them."),
    "trust.role.tsa": ("Dịch vụ cấp dấu thời gian. Ghi thời điểm ký vào mỗi chữ ký (PAdES B-T).",
                       "The time stamper. It records when each signature was made (PAdES B-T)."),
    "trust.role.agency": ("Chứng thư ký số của một cơ quan: ký kết quả giải quyết thủ tục.",
                          "An agency's signing certificate: it signs the results of procedures."),
    # revocation reasons (cryptography's ReasonFlags values)
    "trust.reason.keyCompromise": ("khóa bí mật có thể đã lộ", "the private key may have been exposed"),
    "trust.reason.affiliationChanged": ("người hoặc cơ quan ký đã thay đổi", "the signer's affiliation changed"),
    "trust.reason.superseded": ("đã được thay bằng chứng thư mới", "replaced by a new certificate"),
    "trust.reason.cessationOfOperation": ("ngừng hoạt động", "ceased operation"),
    "trust.reason.unspecified": ("không nêu lý do", "no reason given"),
    # the public page of a verification code
    "trust.check.valid_result": ("Giấy tờ thật, do cơ quan ký số, chưa bị thu hồi.",
                                 "Genuine: digitally signed by the agency, not revoked."),
    "trust.check.valid_receipt": ("Giấy biên nhận thật, do Công dân số cấp, chưa bị thu hồi.",
                                  "Genuine receipt issued by Digital Citizen, not revoked."),
    "trust.check.revoked": ("Giấy tờ này đã bị cơ quan cấp thu hồi: không còn giá trị.",
                            "This document was revoked by the issuing agency: it is no longer valid."),
    "trust.check.cert_revoked": ("Chứng thư ký số đã ký giấy tờ này đã bị thu hồi: đừng tin giấy tờ này, hãy liên hệ "
                                 "cơ quan cấp.",
                                 "The certificate that signed this document was revoked: do not rely on it, contact "
                                 "the issuing agency."),
    "trust.check.unknown": ("Không có giấy tờ nào mang mã kiểm tra này. Kiểm tra lại mã (12 ký tự, ví dụ ABCD-EFGH-"
                            "JKLM); nếu đúng mà vẫn không thấy, giấy tờ có thể là giả.",
                            "No document has this verification code. Check the code (12 characters, e.g. ABCD-EFGH-"
                            "JKLM); if it is right and still not found, the document may be forged."),
    "trust.revoke.reason_required": ("Nêu lý do thu hồi.", "Give the reason for revoking."),
    # facts of a document
    "trust.fact.number": ("Số", "Number"),
    "trust.fact.agency": ("Cơ quan cấp", "Issued by"),
    "trust.fact.issued_on": ("Ngày cấp", "Issued on"),
    "trust.fact.signer": ("Người ký", "Signed by"),
    "trust.fact.dossier": ("Mã hồ sơ", "Dossier number"),
    "trust.fact.procedure": ("Thủ tục", "Procedure"),
    "trust.fact.received_at": ("Thời điểm nhận hồ sơ", "Received at"),
    "trust.fact.due_on": ("Ngày hẹn trả kết quả", "Result due on"),
    "trust.fact.expected_on": ("Dự kiến trả kết quả (tính từ khi được tiếp nhận)",
                               "Expected result (counted from acceptance)"),
    "trust.fact.fee": ("Lệ phí", "Fee"),
    "trust.fact.people": ("Người có tên trong giấy tờ", "People named in the document"),
    "trust.fact.address": ("Địa chỉ", "Address"),
    "trust.fact.valid": ("Thời hạn", "Valid"),
    "trust.fact.applicant": ("Người nộp hồ sơ", "Submitted by"),
    # verify a PDF
    "trust.verify.empty": ("Chưa chọn tệp, hoặc tệp trống.", "No file chosen, or the file is empty."),
    "trust.verify.too_large": ("Tệp lớn hơn {mb} MB.", "The file is over {mb} MB."),
    "trust.verify.not_pdf": ("Tệp không phải PDF đọc được.", "The file is not a readable PDF."),
    "trust.verify.encrypted": ("Tệp PDF có mật khẩu: không kiểm tra được.",
                               "The PDF is password-protected: it cannot be checked."),
    "trust.verdict.valid": ("Hợp lệ: chữ ký đúng, tệp không bị sửa kể từ khi ký, người ký có chứng thư do Công dân số "
                            "cấp và chưa bị thu hồi.",
                            "Valid: the signature is correct, the file is unchanged since signing, and the signer's "
                            "certificate was issued by Digital Citizen and is not revoked."),
    "trust.verdict.unsigned": ("Tệp này không có chữ ký số.", "This file has no digital signature."),
    "trust.verdict.invalid": ("Không hợp lệ: tệp đã bị sửa sau khi ký hoặc chữ ký bị hỏng.",
                              "Not valid: the file was changed after signing or the signature is damaged."),
    "trust.verdict.untrusted": ("Chữ ký không do Công dân số cấp: trang này không xác nhận được người ký.",
                                "The signature was not issued by Digital Citizen: this page cannot vouch for the "
                                "signer."),
    "trust.verdict.revoked": ("Chứng thư của người ký đã bị thu hồi: đừng tin tệp này.",
                              "The signer's certificate was revoked: do not rely on this file."),
    "trust.verdict.modified": ("Tệp có nội dung được thêm sau chữ ký cuối: phần thêm vào không được ký.",
                               "Content was added after the last signature: that part is not signed."),
    "trust.verdict.doc_revoked": ("Chữ ký đúng, nhưng cơ quan cấp đã thu hồi giấy tờ này.",
                                  "The signature is correct, but the issuing agency revoked this document."),
    # pages
    "trust.ui.title": ("Kiểm tra giấy tờ và chữ ký số", "Check documents and digital signatures"),
    "trust.ui.intro": ("Kết quả thủ tục và giấy biên nhận do Công dân số cấp đều có mã kiểm tra và mã QR; kết quả có "
                       "chữ ký số của cơ quan. Trang này cho bạn mọi thứ cần để tự kiểm tra, không cần đăng nhập.",
                       "Results and receipts issued by Digital Citizen carry a verification code and a QR code; "
                       "results are digitally signed by the agency. This page gives you what you need to check them "
                       "yourself, without signing in."),
    "trust.ui.quick": ("Kiểm tra nhanh", "Quick check"),
    "trust.ui.to_verify": ("Tải tệp PDF lên để kiểm tra", "Upload a PDF to check it"),
    "trust.ui.code_label": ("Mã kiểm tra in trên giấy tờ", "Verification code printed on the document"),
    "trust.ui.code_hint": ("12 ký tự, ví dụ ABCD-EFGH-JKLM. Có thể quét mã QR thay cho việc gõ.",
                           "12 characters, e.g. ABCD-EFGH-JKLM. You can scan the QR code instead."),
    "trust.ui.code_button": ("Kiểm tra mã", "Check the code"),
    "trust.ui.chain": ("Chứng thư để tải về", "Certificates to download"),
    "trust.ui.chain_intro": ("Chỉ cần tin cậy chứng thư gốc; các chứng thư khác nằm trong mỗi tệp đã ký. So sánh dấu "
                             "vân tay SHA-256 với dấu vân tay phần mềm của bạn hiển thị sau khi nhập.",
                             "Trust only the root; the others travel inside each signed file. Compare the SHA-256 "
                             "fingerprint with the one your software shows after importing."),
    "trust.ui.fingerprint": ("Dấu vân tay SHA-256", "SHA-256 fingerprint"),
    "trust.ui.serial": ("Số hiệu", "Serial number"),
    "trust.ui.valid": ("Hiệu lực", "Valid"),
    "trust.ui.signs": ("Dùng để ký", "What it signs"),
    "trust.ui.pem": ("Tải PEM", "Download PEM"),
    "trust.ui.der": ("Tải DER (.cer)", "Download DER (.cer)"),
    "trust.ui.crl": ("Danh sách thu hồi (CRL)", "Revocation list (CRL)"),
    "trust.ui.agencies": ("Chứng thư của các cơ quan", "Agencies' certificates"),
    "trust.ui.howto": ("Cách kiểm tra một tệp PDF", "How to check a PDF"),
    "trust.ui.adobe": ("Adobe Acrobat Reader", "Adobe Acrobat Reader"),
    "trust.ui.adobe_steps": (
        "1. Tải chứng thư gốc dạng DER (.cer) ở trên. 2. Mở Acrobat Reader: Chỉnh sửa (Edit) → Tùy chọn (Preferences) "
        "→ Chữ ký (Signatures) → Danh tính và chứng thư tin cậy (Identities & Trusted Certificates) → Thêm… (More…) → "
        "Chứng thư tin cậy (Trusted Certificates) → Nhập (Import), chọn tệp vừa tải. 3. Chọn chứng thư đó → Sửa độ "
        "tin cậy (Edit Trust) → đánh dấu “Dùng chứng thư này làm gốc tin cậy” (Use this certificate as a trusted "
        "root) → OK. 4. Mở tệp PDF: bảng Chữ ký phải báo chữ ký hợp lệ. Acrobat tự tải danh sách thu hồi theo địa chỉ "
        "ghi trong chứng thư.",
        "1. Download the root certificate as DER (.cer) above. 2. In Acrobat Reader: Edit → Preferences → Signatures "
        "→ Identities & Trusted Certificates → More… → Trusted Certificates → Import, choose the downloaded file. "
        "3. Select it → Edit Trust → tick “Use this certificate as a trusted root” → OK. 4. Open the PDF: the "
        "Signature Panel must say the signature is valid. Acrobat fetches the revocation list from the address in "
        "the certificate."),
    "trust.ui.foxit": ("Foxit PDF Reader", "Foxit PDF Reader"),
    "trust.ui.foxit_steps": (
        "1. Tải chứng thư gốc (.cer). 2. Tệp (File) → Tùy chọn (Preferences) → Chữ ký (Signature) → Chứng thư tin "
        "cậy (Trusted Certificates) → Thêm (Add), chọn tệp vừa tải. 3. Mở tệp PDF, bấm vào khối chữ ký → Xác thực "
        "chữ ký (Validate Signature).",
        "1. Download the root certificate (.cer). 2. File → Preferences → Signature → Trusted Certificates → Add, "
        "choose the downloaded file. 3. Open the PDF, click the signature block → Validate Signature."),
    "trust.ui.pdfsig": ("pdfsig (poppler, dòng lệnh)", "pdfsig (poppler, command line)"),
    "trust.ui.pdfsig_steps": (
        "pdfsig dùng kho chứng thư NSS. Nhập chứng thư gốc (tin cậy), chứng thư trung gian và danh sách thu hồi "
        "(pdfsig không tự tải CRL), rồi kiểm tra. Kết quả cần thấy: “Signature is Valid”, “Certificate is Trusted” "
        "(hoặc “Certificate has been Revoked” nếu chứng thư bị thu hồi).",
        "pdfsig uses an NSS certificate store. Import the root (trusted), the issuing certificate and the revocation "
        "list (pdfsig does not download CRLs itself), then check. Expect “Signature is Valid” and “Certificate is "
        "Trusted” (or “Certificate has been Revoked” when it was revoked)."),
    "trust.ui.pyhanko": ("pyHanko (Python)", "pyHanko (Python)"),
    "trust.ui.pyhanko_steps": (
        "Tin cậy chứng thư gốc; pyHanko tự tải danh sách thu hồi theo địa chỉ trong chứng thư (revocation_mode="
        "\"hard-fail\": không tải được thì báo lỗi).",
        "Trust the root; pyHanko downloads the revocation list from the address in the certificate "
        "(revocation_mode=\"hard-fail\": failing to get it is an error)."),
    "trust.ui.limits": ("Giới hạn", "Limits"),
    "trust.ui.verify_title": ("Kiểm tra tệp PDF", "Check a PDF"),
    "trust.ui.verify_intro": ("Chọn tệp PDF (tối đa 8 MB). Tệp chỉ được kiểm tra trong bộ nhớ rồi bỏ đi, không được "
                              "lưu lại. Kết quả được kiểm tra bằng pyHanko với chứng thư gốc và danh sách thu hồi ở "
                              "trang Kiểm tra giấy tờ.",
                              "Choose a PDF (up to 8 MB). It is checked in memory and discarded, never stored. The "
                              "check uses pyHanko with the root and the revocation lists from the trust page."),
    "trust.ui.choose": ("Chọn tệp PDF", "Choose a PDF"),
    "trust.ui.check": ("Kiểm tra", "Check"),
    "trust.ui.signature": ("Chữ ký", "Signature"),
    "trust.ui.signer": ("Người ký", "Signed by"),
    "trust.ui.signed_at": ("Thời điểm ký (dấu thời gian)", "Signed at (time stamp)"),
    "trust.ui.intact": ("Chữ ký đúng, nội dung đã ký không bị sửa", "Signature correct, signed content unchanged"),
    "trust.ui.whole": ("Chữ ký phủ toàn bộ tệp", "Covers the whole file"),
    "trust.ui.trusted": ("Chứng thư do Công dân số cấp", "Certificate issued by Digital Citizen"),
    "trust.ui.not_revoked": ("Chứng thư chưa bị thu hồi", "Certificate not revoked"),
    "trust.ui.yes": ("Có", "Yes"),
    "trust.ui.no": ("Không", "No"),
    "trust.ui.registered": ("Tệp này đúng là giấy tờ đã cấp", "This file is exactly the document we issued"),
    "trust.ui.not_registered": ("Tệp này không trùng khớp từng byte với giấy tờ nào đã cấp (ví dụ đã được lưu lại "
                                "bằng phần mềm khác); xem kết quả kiểm tra chữ ký ở trên.",
                                "This file is not byte-for-byte a document we issued (e.g. it was saved again by "
                                "other software); see the signature check above."),
    "trust.ui.doc_title": ("Kiểm tra giấy tờ", "Document check"),
    "trust.ui.code": ("Mã kiểm tra", "Verification code"),
    "trust.ui.personal_hidden": ("Thông tin cá nhân không hiển thị: người giữ giấy tờ chưa cho phép.",
                                 "Personal details are hidden: the holder has not allowed them."),
    "trust.ui.original_hash": ("Dấu vân tay SHA-256 của bản gốc", "SHA-256 fingerprint of the original"),
    "trust.ui.compare": ("Để chắc bản bạn đang có không bị sửa: tải tệp PDF lên trang Kiểm tra tệp PDF (kết quả phải "
                         "khớp), hoặc so các thông tin trên với bản giấy.",
                         "To be sure your copy is unaltered: upload the PDF on the Check a PDF page (it must match), "
                         "or compare the details above with the paper."),
    "trust.ui.revoked_on": ("Thu hồi ngày", "Revoked on"),
    "trust.ui.reason": ("Lý do", "Reason"),
    "trust.ui.link": ("Kiểm tra giấy tờ", "Check a document"),
}

MESSAGES: dict[str, dict[str, str]] = {key: {"vi": vi, "en": en} for key, (vi, en) in _PAIRS.items()}
