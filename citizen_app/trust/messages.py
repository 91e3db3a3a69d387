"""Texts of the trust pages: the certificate authorities, verify a PDF, and a document's verification page."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # what each certificate signs
    "trust.role.root": {"vi": "Chứng thư gốc. Đây là chứng thư bạn cần tin cậy trong phần mềm đọc PDF. Nó chỉ ký chứng thư "
                        "trung gian bên dưới và danh sách thu hồi (CRL) của mình.",
                        "en": "The root. This is the certificate to trust in your PDF reader. It signs only the issuing "
                        "certificate below and its own revocation list (CRL)."},
    "trust.role.issuing": {"vi": "Chứng thư trung gian (cấp phát). Ký chứng thư ký số của người dân, của các cơ quan, của "
                           "dịch vụ cấp dấu thời gian, và danh sách thu hồi (CRL) của các chứng thư đó.",
                           "en": "The issuing certificate. It signs citizens' and agencies' signing certificates, the "
                           "time-stamping certificate, and the revocation list (CRL) of all of them."},
    "trust.role.tsa": {"vi": "Dịch vụ cấp dấu thời gian. Ghi thời điểm ký vào mỗi chữ ký (PAdES B-T).",
                       "en": "The time stamper. It records when each signature was made (PAdES B-T)."},
    "trust.role.agency": {"vi": "Chứng thư ký số của một cơ quan: ký kết quả giải quyết thủ tục.",
                          "en": "An agency's signing certificate: it signs the results of procedures."},
    # revocation reasons (cryptography's ReasonFlags values)
    "trust.reason.keyCompromise": {"vi": "khóa bí mật có thể đã lộ", "en": "the private key may have been exposed"},
    "trust.reason.affiliationChanged": {"vi": "người hoặc cơ quan ký đã thay đổi", "en": "the signer's affiliation changed"},
    "trust.reason.superseded": {"vi": "đã được thay bằng chứng thư mới", "en": "replaced by a new certificate"},
    "trust.reason.cessationOfOperation": {"vi": "ngừng hoạt động", "en": "ceased operation"},
    "trust.reason.unspecified": {"vi": "không nêu lý do", "en": "no reason given"},
    # the public page of a verification code
    "trust.check.valid_result": {"vi": "Giấy tờ thật, do cơ quan ký số, chưa bị thu hồi.",
                                 "en": "Genuine: digitally signed by the agency, not revoked."},
    "trust.check.valid_receipt": {"vi": "Giấy biên nhận thật, do Công dân số cấp, chưa bị thu hồi.",
                                  "en": "Genuine receipt issued by Digital Citizen, not revoked."},
    "trust.check.revoked": {"vi": "Giấy tờ này đã bị cơ quan cấp thu hồi: không còn giá trị.",
                            "en": "This document was revoked by the issuing agency: it is no longer valid."},
    "trust.check.cert_revoked": {"vi": "Chứng thư ký số đã ký giấy tờ này đã bị thu hồi: đừng tin giấy tờ này, hãy liên hệ "
                                 "cơ quan cấp.",
                                 "en": "The certificate that signed this document was revoked: do not rely on it, contact "
                                 "the issuing agency."},
    "trust.check.unknown": {"vi": "Không có giấy tờ nào mang mã kiểm tra này. Kiểm tra lại mã (12 ký tự, ví dụ ABCD-EFGH-"
                            "JKLM); nếu đúng mà vẫn không thấy, giấy tờ có thể là giả.",
                            "en": "No document has this verification code. Check the code (12 characters, e.g. ABCD-EFGH-"
                            "JKLM); if it is right and still not found, the document may be forged."},
    "trust.revoke.reason_required": {"vi": "Nêu lý do thu hồi.", "en": "Give the reason for revoking."},
    # facts of a document
    "trust.fact.number": {"vi": "Số", "en": "Number"},
    "trust.fact.agency": {"vi": "Cơ quan cấp", "en": "Issued by"},
    "trust.fact.issued_on": {"vi": "Ngày cấp", "en": "Issued on"},
    "trust.fact.signer": {"vi": "Người ký", "en": "Signed by"},
    "trust.fact.dossier": {"vi": "Mã hồ sơ", "en": "Dossier number"},
    "trust.fact.procedure": {"vi": "Thủ tục", "en": "Procedure"},
    "trust.fact.received_at": {"vi": "Thời điểm nhận hồ sơ", "en": "Received at"},
    "trust.fact.due_on": {"vi": "Ngày hẹn trả kết quả", "en": "Result due on"},
    "trust.fact.expected_on": {"vi": "Dự kiến trả kết quả (tính từ khi được tiếp nhận)",
                               "en": "Expected result (counted from acceptance)"},
    "trust.fact.fee": {"vi": "Lệ phí", "en": "Fee"},
    "trust.fact.people": {"vi": "Người có tên trong giấy tờ", "en": "People named in the document"},
    "trust.fact.address": {"vi": "Địa chỉ", "en": "Address"},
    "trust.fact.valid": {"vi": "Thời hạn", "en": "Valid"},
    "trust.fact.applicant": {"vi": "Người nộp hồ sơ", "en": "Submitted by"},
    # verify a PDF
    "trust.verify.empty": {"vi": "Chưa chọn tệp, hoặc tệp trống.", "en": "No file chosen, or the file is empty."},
    "trust.verify.too_large": {"vi": "Tệp lớn hơn {mb} MB.", "en": "The file is over {mb} MB."},
    "trust.verify.not_pdf": {"vi": "Tệp không phải PDF đọc được.", "en": "The file is not a readable PDF."},
    "trust.verify.encrypted": {"vi": "Tệp PDF có mật khẩu: không kiểm tra được.",
                               "en": "The PDF is password-protected: it cannot be checked."},
    "trust.verdict.valid": {"vi": "Hợp lệ: chữ ký đúng, tệp không bị sửa kể từ khi ký, người ký có chứng thư do Công dân số "
                            "cấp và chưa bị thu hồi.",
                            "en": "Valid: the signature is correct, the file is unchanged since signing, and the signer's "
                            "certificate was issued by Digital Citizen and is not revoked."},
    "trust.verdict.unsigned": {"vi": "Tệp này không có chữ ký số.", "en": "This file has no digital signature."},
    "trust.verdict.invalid": {"vi": "Không hợp lệ: tệp đã bị sửa sau khi ký hoặc chữ ký bị hỏng.",
                              "en": "Not valid: the file was changed after signing or the signature is damaged."},
    "trust.verdict.untrusted": {"vi": "Chữ ký không do Công dân số cấp: trang này không xác nhận được người ký.",
                                "en": "The signature was not issued by Digital Citizen: this page cannot vouch for the "
                                "signer."},
    "trust.verdict.revoked": {"vi": "Chứng thư của người ký đã bị thu hồi: đừng tin tệp này.",
                              "en": "The signer's certificate was revoked: do not rely on this file."},
    "trust.verdict.modified": {"vi": "Tệp có nội dung được thêm sau chữ ký cuối: phần thêm vào không được ký.",
                               "en": "Content was added after the last signature: that part is not signed."},
    "trust.verdict.doc_revoked": {"vi": "Chữ ký đúng, nhưng cơ quan cấp đã thu hồi giấy tờ này.",
                                  "en": "The signature is correct, but the issuing agency revoked this document."},
    # pages
    "trust.ui.title": {"vi": "Kiểm tra giấy tờ và chữ ký số", "en": "Check documents and digital signatures"},
    "trust.ui.intro": {"vi": "Kết quả thủ tục và giấy biên nhận do Công dân số cấp đều có mã kiểm tra và mã QR; kết quả có "
                       "chữ ký số của cơ quan. Trang này cho bạn mọi thứ cần để tự kiểm tra, không cần đăng nhập.",
                       "en": "Results and receipts issued by Digital Citizen carry a verification code and a QR code; "
                       "results are digitally signed by the agency. This page gives you what you need to check them "
                       "yourself, without signing in."},
    "trust.ui.quick": {"vi": "Kiểm tra nhanh", "en": "Quick check"},
    "trust.ui.to_verify": {"vi": "Tải tệp PDF lên để kiểm tra", "en": "Upload a PDF to check it"},
    "trust.ui.code_label": {"vi": "Mã kiểm tra in trên giấy tờ", "en": "Verification code printed on the document"},
    "trust.ui.code_hint": {"vi": "12 ký tự, ví dụ ABCD-EFGH-JKLM. Có thể quét mã QR thay cho việc gõ.",
                           "en": "12 characters, e.g. ABCD-EFGH-JKLM. You can scan the QR code instead."},
    "trust.ui.code_button": {"vi": "Kiểm tra mã", "en": "Check the code"},
    "trust.ui.chain": {"vi": "Chứng thư để tải về", "en": "Certificates to download"},
    "trust.ui.chain_intro": {"vi": "Chỉ cần tin cậy chứng thư gốc; các chứng thư khác nằm trong mỗi tệp đã ký. So sánh dấu "
                             "vân tay SHA-256 với dấu vân tay phần mềm của bạn hiển thị sau khi nhập.",
                             "en": "Trust only the root; the others travel inside each signed file. Compare the SHA-256 "
                             "fingerprint with the one your software shows after importing."},
    "trust.ui.fingerprint": {"vi": "Dấu vân tay SHA-256", "en": "SHA-256 fingerprint"},
    "trust.ui.serial": {"vi": "Số hiệu", "en": "Serial number"},
    "trust.ui.valid": {"vi": "Hiệu lực", "en": "Valid"},
    "trust.ui.signs": {"vi": "Dùng để ký", "en": "What it signs"},
    "trust.ui.pem": {"vi": "Tải PEM", "en": "Download PEM"},
    "trust.ui.der": {"vi": "Tải DER (.cer)", "en": "Download DER (.cer)"},
    "trust.ui.crl": {"vi": "Danh sách thu hồi (CRL)", "en": "Revocation list (CRL)"},
    "trust.ui.agencies": {"vi": "Chứng thư của các cơ quan", "en": "Agencies' certificates"},
    "trust.ui.howto": {"vi": "Cách kiểm tra một tệp PDF", "en": "How to check a PDF"},
    "trust.ui.adobe": {"vi": "Adobe Acrobat Reader", "en": "Adobe Acrobat Reader"},
    "trust.ui.adobe_steps": {"vi":
        "1. Tải chứng thư gốc dạng DER (.cer) ở trên. 2. Mở Acrobat Reader: Chỉnh sửa (Edit) → Tùy chọn (Preferences) "
        "→ Chữ ký (Signatures) → Danh tính và chứng thư tin cậy (Identities & Trusted Certificates) → Thêm… (More…) → "
        "Chứng thư tin cậy (Trusted Certificates) → Nhập (Import), chọn tệp vừa tải. 3. Chọn chứng thư đó → Sửa độ "
        "tin cậy (Edit Trust) → đánh dấu “Dùng chứng thư này làm gốc tin cậy” (Use this certificate as a trusted "
        "root) → OK. 4. Mở tệp PDF: bảng Chữ ký phải báo chữ ký hợp lệ. Acrobat tự tải danh sách thu hồi theo địa chỉ "
        "ghi trong chứng thư.",
        "en": "1. Download the root certificate as DER (.cer) above. 2. In Acrobat Reader: Edit → Preferences → Signatures "
        "→ Identities & Trusted Certificates → More… → Trusted Certificates → Import, choose the downloaded file. "
        "3. Select it → Edit Trust → tick “Use this certificate as a trusted root” → OK. 4. Open the PDF: the "
        "Signature Panel must say the signature is valid. Acrobat fetches the revocation list from the address in "
        "the certificate."},
    "trust.ui.foxit": {"vi": "Foxit PDF Reader", "en": "Foxit PDF Reader"},
    "trust.ui.foxit_steps": {"vi":
        "1. Tải chứng thư gốc (.cer). 2. Tệp (File) → Tùy chọn (Preferences) → Chữ ký (Signature) → Chứng thư tin "
        "cậy (Trusted Certificates) → Thêm (Add), chọn tệp vừa tải. 3. Mở tệp PDF, bấm vào khối chữ ký → Xác thực "
        "chữ ký (Validate Signature).",
        "en": "1. Download the root certificate (.cer). 2. File → Preferences → Signature → Trusted Certificates → Add, "
        "choose the downloaded file. 3. Open the PDF, click the signature block → Validate Signature."},
    "trust.ui.pdfsig": {"vi": "pdfsig (poppler, dòng lệnh)", "en": "pdfsig (poppler, command line)"},
    "trust.ui.pdfsig_steps": {"vi":
        "pdfsig dùng kho chứng thư NSS. Nhập chứng thư gốc (tin cậy), chứng thư trung gian và danh sách thu hồi "
        "(pdfsig không tự tải CRL), rồi kiểm tra. Kết quả cần thấy: “Signature is Valid”, “Certificate is Trusted” "
        "(hoặc “Certificate has been Revoked” nếu chứng thư bị thu hồi).",
        "en": "pdfsig uses an NSS certificate store. Import the root (trusted), the issuing certificate and the revocation "
        "list (pdfsig does not download CRLs itself), then check. Expect “Signature is Valid” and “Certificate is "
        "Trusted” (or “Certificate has been Revoked” when it was revoked)."},
    "trust.ui.pyhanko": {"vi": "pyHanko (Python)", "en": "pyHanko (Python)"},
    "trust.ui.pyhanko_steps": {"vi":
        "Tin cậy chứng thư gốc; pyHanko tự tải danh sách thu hồi theo địa chỉ trong chứng thư (revocation_mode="
        "\"hard-fail\": không tải được thì báo lỗi).",
        "en": "Trust the root; pyHanko downloads the revocation list from the address in the certificate "
        "(revocation_mode=\"hard-fail\": failing to get it is an error)."},
    "trust.ui.limits": {"vi": "Giới hạn", "en": "Limits"},
    "trust.ui.verify_title": {"vi": "Kiểm tra tệp PDF", "en": "Check a PDF"},
    "trust.ui.verify_intro": {"vi": "Chọn tệp PDF (tối đa 8 MB). Tệp chỉ được kiểm tra trong bộ nhớ rồi bỏ đi, không được "
                              "lưu lại. Kết quả được kiểm tra bằng pyHanko với chứng thư gốc và danh sách thu hồi ở "
                              "trang Kiểm tra giấy tờ.",
                              "en": "Choose a PDF (up to 8 MB). It is checked in memory and discarded, never stored. The "
                              "check uses pyHanko with the root and the revocation lists from the trust page."},
    "trust.ui.choose": {"vi": "Chọn tệp PDF", "en": "Choose a PDF"},
    "trust.ui.check": {"vi": "Kiểm tra", "en": "Check"},
    "trust.ui.signature": {"vi": "Chữ ký", "en": "Signature"},
    "trust.ui.signer": {"vi": "Người ký", "en": "Signed by"},
    "trust.ui.signed_at": {"vi": "Thời điểm ký (dấu thời gian)", "en": "Signed at (time stamp)"},
    "trust.ui.intact": {"vi": "Chữ ký đúng, nội dung đã ký không bị sửa", "en": "Signature correct, signed content unchanged"},
    "trust.ui.whole": {"vi": "Chữ ký phủ toàn bộ tệp", "en": "Covers the whole file"},
    "trust.ui.trusted": {"vi": "Chứng thư do Công dân số cấp", "en": "Certificate issued by Digital Citizen"},
    "trust.ui.not_revoked": {"vi": "Chứng thư chưa bị thu hồi", "en": "Certificate not revoked"},
    "trust.ui.yes": {"vi": "Có", "en": "Yes"},
    "trust.ui.no": {"vi": "Không", "en": "No"},
    "trust.ui.registered": {"vi": "Tệp này đúng là giấy tờ đã cấp", "en": "This file is exactly the document we issued"},
    "trust.ui.not_registered": {"vi": "Tệp này không trùng khớp từng byte với giấy tờ nào đã cấp (ví dụ đã được lưu lại "
                                "bằng phần mềm khác); xem kết quả kiểm tra chữ ký ở trên.",
                                "en": "This file is not byte-for-byte a document we issued (e.g. it was saved again by "
                                "other software); see the signature check above."},
    "trust.ui.doc_title": {"vi": "Kiểm tra giấy tờ", "en": "Document check"},
    "trust.ui.code": {"vi": "Mã kiểm tra", "en": "Verification code"},
    "trust.ui.personal_hidden": {"vi": "Thông tin cá nhân không hiển thị: người giữ giấy tờ chưa cho phép.",
                                 "en": "Personal details are hidden: the holder has not allowed them."},
    "trust.ui.original_hash": {"vi": "Dấu vân tay SHA-256 của bản gốc", "en": "SHA-256 fingerprint of the original"},
    "trust.ui.compare": {"vi": "Để chắc bản bạn đang có không bị sửa: tải tệp PDF lên trang Kiểm tra tệp PDF (kết quả phải "
                         "khớp), hoặc so các thông tin trên với bản giấy.",
                         "en": "To be sure your copy is unaltered: upload the PDF on the Check a PDF page (it must match), "
                         "or compare the details above with the paper."},
    "trust.ui.revoked_on": {"vi": "Thu hồi ngày", "en": "Revoked on"},
    "trust.ui.reason": {"vi": "Lý do", "en": "Reason"},
    "trust.ui.link": {"vi": "Kiểm tra giấy tờ", "en": "Check a document"},
}
