"""User-facing texts of the wallet pages (merged into ``identity/messages.py`` MESSAGES)."""

from __future__ import annotations

UI_MESSAGES: dict[str, dict[str, str]] = {
    # --- claims as the verifier and the citizen see them ---
    "identity.claim.full_name": {"vi": "Họ và tên", "en": "Full name"},
    "identity.claim.birth_date": {"vi": "Ngày sinh", "en": "Date of birth"},
    "identity.claim.sex": {"vi": "Giới tính", "en": "Sex"},
    "identity.claim.id_number": {"vi": "Số định danh cá nhân", "en": "Personal ID number"},
    "identity.claim.nationality": {"vi": "Quốc tịch", "en": "Nationality"},
    "identity.claim.resident_hcmc": {"vi": "Cư trú tại TP.HCM", "en": "Resident of Ho Chi Minh City"},
    "identity.claim.ward": {"vi": "Phường, xã", "en": "Ward"},
    "identity.claim.address": {"vi": "Địa chỉ", "en": "Address"},
    "identity.claim.age_over_18": {"vi": "Trên 18 tuổi", "en": "Over 18"},
    "identity.claim.age_over_60": {"vi": "Trên 60 tuổi", "en": "Over 60"},
    "identity.claim.student": {"vi": "Là học sinh, sinh viên", "en": "Is a student"},
    "identity.claim.school": {"vi": "Trường", "en": "School"},
    "identity.claim.student_name": {"vi": "Họ tên trên thẻ sinh viên", "en": "Name on the student card"},
    "identity.claim.procedure": {"vi": "Thủ tục", "en": "Procedure"},
    "identity.claim.dossier_ref": {"vi": "Mã hồ sơ", "en": "Dossier number"},
    "identity.claim.outcome": {"vi": "Kết quả", "en": "Outcome"},
    "identity.claim.agency": {"vi": "Cơ quan giải quyết", "en": "Deciding agency"},
    # --- credential kinds as titles (lists, menus) ---
    "identity.ui.title_identity": {"vi": "Thẻ căn cước số", "en": "Digital identity card"},
    "identity.ui.title_residence": {"vi": "Xác nhận cư trú", "en": "Proof of residence"},
    "identity.ui.title_age18": {"vi": "Xác nhận trên 18 tuổi", "en": "Over-18 attestation"},
    "identity.ui.title_age60": {"vi": "Xác nhận trên 60 tuổi", "en": "Over-60 attestation"},
    "identity.ui.title_student": {"vi": "Thẻ học sinh, sinh viên", "en": "Student status"},
    "identity.ui.title_result": {"vi": "Kết quả thủ tục", "en": "Procedure result"},
    # --- wallet home ---
    "identity.ui.wallet_title": {"vi": "Ví giấy tờ số", "en": "Digital wallet"},
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
    "identity.ui.profile_link": {"vi": "Xem, sửa thông tin cá nhân", "en": "View or edit your profile"},
    "identity.ui.credentials_title": {"vi": "Giấy tờ số của bạn", "en": "Your credentials"},
    "identity.ui.no_credentials": {"vi": "Bạn chưa có giấy tờ số nào.", "en": "You have no credentials yet."},
    "identity.ui.status": {"vi": "Trạng thái", "en": "Status"},
    "identity.ui.status_valid": {"vi": "Còn hiệu lực", "en": "Valid"},
    "identity.ui.status_revoked": {"vi": "Đã thu hồi", "en": "Revoked"},
    "identity.ui.status_expired": {"vi": "Hết hạn", "en": "Expired"},
    "identity.ui.expires": {"vi": "Hết hạn", "en": "Expires"},
    "identity.ui.on_device": {"vi": "Có trên thiết bị này", "en": "On this device"},
    "identity.ui.not_here": {"vi": "Không có trên thiết bị này (hãy nhận lại)",
                             "en": "Not on this device (request it again)"},
    "identity.ui.server_key": {"vi": "khóa giữ trên máy chủ (kém an toàn hơn)",
                               "en": "key held on our server (less protected)"},
    "identity.ui.present": {"vi": "Xuất trình", "en": "Show"},
    "identity.ui.revoke": {"vi": "Thu hồi", "en": "Revoke"},
    "identity.ui.revoked": {"vi": "Đã thu hồi giấy tờ. Nơi kiểm tra sẽ thấy giấy tờ này không còn hiệu lực.",
                            "en": "Credential revoked. Verifiers will see it is no longer valid."},
    "identity.ui.get_title": {"vi": "Nhận giấy tờ số", "en": "Get a credential"},
    "identity.ui.get_explain": {
        "vi": "Giấy tờ được cấp theo hồ sơ mức 2 của bạn, có hạn 30 ngày và chỉ lưu trên thiết bị này.",
        "en": "Issued from your level-2 profile, valid for 30 days and kept only on this device."},
    "identity.ui.get_age60": {"vi": "Xác nhận trên 60 tuổi", "en": "Over-60 attestation"},
    "identity.ui.get_age18": {"vi": "Xác nhận trên 18 tuổi", "en": "Over-18 attestation"},
    "identity.ui.get_identity": {"vi": "Thẻ căn cước số", "en": "Digital identity card"},
    "identity.ui.get_residence": {"vi": "Xác nhận cư trú", "en": "Proof of residence"},
    "identity.ui.issued": {"vi": "Đã nhận {kind}. Giấy tờ được lưu trên thiết bị này.",
                           "en": "{kind} received and stored on this device."},
    "identity.ui.working": {"vi": "Đang xử lý…", "en": "Working…"},
    "identity.ui.offer_title": {"vi": "Nhận thẻ sinh viên từ cán bộ", "en": "Collect a student credential"},
    "identity.ui.offer_label": {"vi": "Mã cán bộ đưa cho bạn", "en": "Code from the official"},
    "identity.ui.offer_hint": {"vi": "Quét hoặc dán mã bắt đầu bằng cdsof1:", "en": "Scan or paste the code "
                               "starting with cdsof1:"},
    "identity.ui.offer_submit": {"vi": "Nhận thẻ sinh viên", "en": "Collect student credential"},
    "identity.ui.key_notice": {
        "vi": "Khóa của ví được tạo trong trình duyệt và không rời khỏi thiết bị; đây là khóa bảo vệ bằng phần mềm, "
              "không phải chip bảo mật. Nếu xóa dữ liệu trình duyệt, hãy nhận lại giấy tờ.",
        "en": "The wallet key is created in this browser and never leaves the device; it is software-protected, "
              "not a secure chip. If you clear browser data, request your credentials again."},
    "identity.ui.more": {"vi": "Chức năng khác của ví", "en": "More wallet features"},
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
    "identity.ui.yes": {"vi": "Có", "en": "Yes"},
    "identity.ui.no": {"vi": "Không", "en": "No"},
    # --- presenting ---
    "identity.ui.present_title": {"vi": "Xuất trình giấy tờ", "en": "Show a credential"},
    "identity.ui.which_credential": {"vi": "Giấy tờ cần xuất trình", "en": "Credential to show"},
    "identity.ui.claims_legend": {"vi": "Thông tin sẽ chia sẻ", "en": "Information to share"},
    "identity.ui.claims_fixed": {"vi": "Giấy tờ này chỉ chứa một thông tin, không có ngày sinh.",
                                 "en": "This credential holds a single fact and no birth date."},
    "identity.ui.claims_minimum": {"vi": "Mặc định chỉ chia sẻ ít nhất có thể. Chỉ chọn thêm khi nơi kiểm tra "
                                         "thật sự cần.",
                                   "en": "By default only the minimum is shared. Add more only when the verifier "
                                         "really needs it."},
    "identity.ui.mode_legend": {"vi": "Cách xuất trình", "en": "How to show it"},
    "identity.ui.mode_nonce": {"vi": "Quét mã của nơi kiểm tra", "en": "Scan the verifier's code"},
    "identity.ui.mode_one_time": {"vi": "Mã dùng một lần (60 giây)", "en": "One-time code (60 seconds)"},
    "identity.ui.nonce_explain": {
        "vi": "An toàn nhất: nơi kiểm tra hiện mã QR yêu cầu; mã xuất trình của bạn chỉ dùng được cho đúng yêu cầu đó.",
        "en": "Safest: the verifier shows a request QR; your code works only for that request."},
    "identity.ui.one_time_explain": {
        "vi": "Cho việc kiểm tra đơn giản (tuổi, cư trú): mã chỉ dùng được một lần trong 60 giây.",
        "en": "For simple checks (age, residence): the code works once, within 60 seconds."},
    "identity.ui.scan": {"vi": "Quét mã bằng máy ảnh", "en": "Scan with the camera"},
    "identity.ui.request_label": {"vi": "Hoặc dán mã yêu cầu", "en": "Or paste the request code"},
    "identity.ui.request_hint": {"vi": "Mã bắt đầu bằng cdsvp1:", "en": "The code starts with cdsvp1:"},
    "identity.ui.request_read": {"vi": "Đọc mã yêu cầu", "en": "Read request code"},
    "identity.ui.requester": {"vi": "Nơi yêu cầu", "en": "Requested by"},
    "identity.ui.request_first": {"vi": "Hãy quét hoặc dán mã yêu cầu của nơi kiểm tra trước.",
                                  "en": "First scan or paste the verifier's request code."},
    "identity.ui.make_vp": {"vi": "Tạo mã xuất trình", "en": "Create the code"},
    "identity.ui.show_to_verifier": {"vi": "Đưa mã này cho nơi kiểm tra quét.", "en": "Let the verifier scan this."},
    "identity.ui.qr_size": {"vi": "Độ dài mã", "en": "Code length"},
    "identity.ui.seconds_left": {"vi": "Còn lại (giây)", "en": "Seconds left"},
    "identity.ui.vp_expired": {"vi": "Mã đã hết hạn. Hãy tạo mã mới.", "en": "The code expired. Create a new one."},
    "identity.ui.vp_text": {"vi": "Mã dạng chữ (để sao chép)", "en": "Code as text (to copy)"},
    "identity.ui.vp_qr_alt": {"vi": "Mã QR xuất trình giấy tờ", "en": "Credential presentation QR code"},
    "identity.ui.nothing_to_present": {
        "vi": "Thiết bị này chưa có giấy tờ còn hiệu lực. Hãy nhận giấy tờ trong ví trước.",
        "en": "This device holds no valid credential yet. Get one in your wallet first."},
    "identity.ui.not_on_device": {"vi": "Giấy tờ này không có trên thiết bị này. Hãy nhận lại trong ví.",
                                  "en": "This credential is not on this device. Request it again in the wallet."},
    "identity.ui.no_scanner": {"vi": "Trình duyệt này không quét được mã QR. Hãy dán mã vào ô bên dưới.",
                               "en": "This browser cannot scan QR codes. Paste the code below instead."},
    "identity.ui.camera_denied": {"vi": "Chưa được phép dùng máy ảnh. Hãy cho phép hoặc dán mã.",
                                  "en": "Camera access was refused. Allow it or paste the code."},
    "identity.ui.scan_timeout": {"vi": "Không tìm thấy mã QR. Hãy thử lại.", "en": "No QR code found. Try again."},
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
        "vi": "Mọi lần đăng nhập, nhận, xuất trình giấy tờ, ký số và việc cán bộ xem hồ sơ của bạn. Mới nhất ở trên. "
              "Các dòng được nối bằng mã băm nên không thể sửa hay xóa mà không bị phát hiện.",
        "en": "Every sign-in, credential received or shown, signature, and official viewing your record. Newest "
              "first. Entries are hash-chained, so edits or deletions are detectable."},
    "identity.ui.activity_empty": {"vi": "Chưa có hoạt động nào.", "en": "No activity yet."},
    "identity.ui.by_other": {"vi": "do người khác thực hiện", "en": "done by someone else"},
    "identity.ui.verify_chain": {"vi": "Kiểm tra tính toàn vẹn", "en": "Check integrity"},
    "identity.ui.chain_ok": {"vi": "Nhật ký nguyên vẹn: {count} dòng, không bị sửa đổi.",
                             "en": "Log intact: {count} entries, nothing altered."},
    "identity.ui.chain_broken": {"vi": "Cảnh báo: nhật ký bị sửa đổi từ dòng {seq}. Hãy báo cho tổng đài 1022.",
                                 "en": "Warning: the log was altered from entry {seq}. Please call 1022."},
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
    "identity.desk.student_title": {"vi": "Cấp thẻ sinh viên số", "en": "Issue a student credential"},
    "identity.desk.student_explain": {
        "vi": "Sau khi kiểm tra thẻ sinh viên, tạo mã cấp; sinh viên quét mã trong ví của mình trong 15 phút.",
        "en": "After checking the student card, create an offer; the student scans it in their wallet within "
              "15 minutes."},
    "identity.desk.student_submit": {"vi": "Tạo mã cấp thẻ", "en": "Create offer code"},
    "identity.desk.offer_ready": {"vi": "Đã tạo mã. Đưa mã cho sinh viên quét.",
                                  "en": "Offer created. Let the student scan it."},
    "identity.desk.offer_qr_alt": {"vi": "Mã QR cấp thẻ sinh viên", "en": "Student credential offer QR code"},
    "identity.offer.invalid": {"vi": "Mã cấp không hợp lệ.", "en": "Invalid offer code."},
    "identity.offer.not_yours": {"vi": "Mã cấp này dành cho người khác.", "en": "This offer is for someone else."},
    "identity.offer.expired": {"vi": "Mã cấp đã hết hạn. Hãy nhờ cán bộ tạo mã mới.",
                               "en": "The offer expired. Ask the official for a new one."},
    "identity.offer.used": {"vi": "Mã cấp đã được dùng.", "en": "This offer was already used."},
    # --- verifier ---
    "identity.verifier.title": {"vi": "Kiểm tra giấy tờ số", "en": "Check a credential"},
    "identity.verifier.explain": {
        "vi": "Dành cho cửa hàng, cổng metro, cán bộ: người dân quét mã yêu cầu, rồi đưa mã xuất trình để bạn quét.",
        "en": "For shops, metro gates and officials: the citizen scans the request code, then shows their code "
              "for you to scan."},
    "identity.verifier.step1": {"vi": "1. Người dân quét mã yêu cầu này", "en": "1. The citizen scans this request"},
    "identity.verifier.step2": {"vi": "2. Quét hoặc dán mã của người dân", "en": "2. Scan or paste their code"},
    "identity.verifier.request_qr_alt": {"vi": "Mã QR yêu cầu xuất trình", "en": "Presentation request QR code"},
    "identity.verifier.audience": {"vi": "Nơi kiểm tra", "en": "Verifier"},
    "identity.verifier.until": {"vi": "dùng được đến", "en": "valid until"},
    "identity.verifier.request_text": {"vi": "Mã yêu cầu dạng chữ", "en": "Request code as text"},
    "identity.verifier.new_request": {"vi": "Tạo yêu cầu mới", "en": "New request"},
    "identity.verifier.request_used": {"vi": "Yêu cầu này đã được dùng. Bấm “Tạo yêu cầu mới” cho người tiếp theo.",
                                       "en": "This request has been used. Press “New request” for the next person."},
    "identity.verifier.code_label": {"vi": "Mã của người dân", "en": "The citizen's code"},
    "identity.verifier.code_hint": {"vi": "Mã bắt đầu bằng VP1:", "en": "The code starts with VP1:"},
    "identity.verifier.check": {"vi": "Kiểm tra", "en": "Check"},
    "identity.verifier.valid": {"vi": "HỢP LỆ", "en": "VALID"},
    "identity.verifier.invalid": {"vi": "KHÔNG HỢP LỆ", "en": "NOT VALID"},
    "identity.verifier.headline_age60": {"vi": "Trên 60 tuổi", "en": "Over 60"},
    "identity.verifier.headline_age18": {"vi": "Trên 18 tuổi", "en": "Over 18"},
    "identity.verifier.headline_student": {"vi": "Là học sinh, sinh viên", "en": "Is a student"},
    "identity.verifier.headline_resident": {"vi": "Cư trú tại TP.HCM", "en": "Resident of Ho Chi Minh City"},
    "identity.verifier.issuer": {"vi": "Nơi cấp (chữ ký đúng)", "en": "Issuer (signature checked)"},
    "identity.verifier.binding": {"vi": "Gắn với người giữ", "en": "Holder binding"},
    "identity.verifier.binding_nonce": {"vi": "Đúng thiết bị, đúng yêu cầu này", "en": "Right device, this request"},
    "identity.verifier.binding_one_time": {"vi": "Đúng thiết bị, mã một lần trong 60 giây",
                                           "en": "Right device, one-time code within 60 s"},
    "identity.verifier.status": {"vi": "Thu hồi", "en": "Revocation"},
    "identity.verifier.status_ok": {"vi": "Chưa bị thu hồi — kiểm tra lúc", "en": "Not revoked — checked at"},
    "identity.verifier.privacy": {
        "vi": "Trang này chỉ hiện thông tin người dân chọn chia sẻ và không lưu lại thông tin đó.",
        "en": "This page shows only what the citizen chose to share and does not keep it."},
    # --- offline verifier (static page /verify-offline/, texts exported to assets/verify-offline/messages.js) ---
    "identity.offline.title": {"vi": "Kiểm tra giấy tờ số (ngoại tuyến)", "en": "Check a credential (offline)"},
    "identity.offline.explain": {
        "vi": "Trang này kiểm tra ngay trên máy, kể cả khi mất mạng, bằng khoá của nơi cấp và danh sách thu hồi "
              "đã tải về lần trước.",
        "en": "This page checks on this device, even without a network, using the issuer keys and revocation "
              "list downloaded last time."},
    "identity.offline.freshness_title": {"vi": "Dữ liệu kiểm tra", "en": "Checking data"},
    "identity.offline.refreshed": {"vi": "Khoá của nơi cấp và danh sách thu hồi cập nhật lúc {when} ({age}).",
                                   "en": "Issuer keys and revocation list last refreshed at {when} ({age})."},
    "identity.offline.stale": {
        "vi": "Đã cũ hơn {minutes} phút: giấy tờ vừa bị thu hồi có thể chưa hiện ra. Hãy kết nối mạng và cập nhật.",
        "en": "Older than {minutes} minutes: a credential revoked since then may not show as revoked. "
              "Connect and refresh."},
    "identity.offline.list_expired": {
        "vi": "Danh sách thu hồi đã hết hạn: cần kết nối mạng để cập nhật trước khi kiểm tra.",
        "en": "The revocation list has expired: connect to refresh it before checking."},
    "identity.offline.no_cache": {"vi": "Chưa có dữ liệu kiểm tra. Hãy mở trang này khi có mạng một lần.",
                                  "en": "No checking data yet. Open this page once while online."},
    "identity.offline.refresh": {"vi": "Cập nhật ngay", "en": "Refresh now"},
    "identity.offline.refresh_failed": {"vi": "Không cập nhật được (đang ngoại tuyến?). Dùng dữ liệu đã lưu.",
                                        "en": "Could not refresh (offline?). Using the saved data."},
    "identity.offline.online": {"vi": "Đang có mạng", "en": "Online"},
    "identity.offline.offline": {"vi": "Đang ngoại tuyến", "en": "Offline"},
    "identity.offline.age_now": {"vi": "vừa xong", "en": "just now"},
    "identity.offline.age_minutes": {"vi": "{n} phút trước", "en": "{n} minutes ago"},
    "identity.offline.age_hours": {"vi": "{n} giờ trước", "en": "{n} hours ago"},
    "identity.offline.age_days": {"vi": "{n} ngày trước", "en": "{n} days ago"},
    "identity.offline.status_ok": {"vi": "Chưa bị thu hồi theo danh sách cập nhật lúc {when}",
                                   "en": "Not revoked according to the list refreshed at {when}"},
    "identity.offline.status_none": {"vi": "Giấy tờ ngắn hạn, không cần danh sách thu hồi",
                                     "en": "Short-lived credential, no revocation list needed"},
    "identity.offline.online_link": {"vi": "Dùng trang kiểm tra trực tuyến", "en": "Use the online verifier"},
    "identity.offline.link": {"vi": "Kiểm tra khi mất mạng (ngoại tuyến)", "en": "Check without a network (offline)"},
    "identity.offline.lang": {"vi": "English", "en": "Tiếng Việt"},
    "identity.offline.one_time_note": {
        "vi": "Mã một lần (60 giây) của người dân cũng được chấp nhận: dán vào ô bên dưới.",
        "en": "The citizen's one-time code (60 s) is accepted too: paste it below."},
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
    # --- procedure results in the wallet ---
    "identity.claim.procedure_name": {"vi": "Tên thủ tục", "en": "Procedure name"},
    "identity.claim.result_date": {"vi": "Ngày có kết quả", "en": "Result date"},
    "identity.claim.doc_hash": {"vi": "Mã băm văn bản (SHA-256)", "en": "Document hash (SHA-256)"},
    "identity.ui.result_pdf": {"vi": "Tải văn bản kết quả (PDF)", "en": "Download the result (PDF)"},
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
