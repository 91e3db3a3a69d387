"""User-facing texts of the procedures pillar (vi first, en second)."""

MESSAGES = {
    "procedures.unknown_procedure": {
        "vi": "Không tìm thấy thủ tục này.",
        "en": "This procedure was not found.",
    },
    "procedures.dossier_not_found": {
        "vi": "Không tìm thấy hồ sơ.",
        "en": "Dossier not found.",
    },
    "procedures.form_invalid": {
        "vi": "Có {count} thông tin cần sửa. Xem danh sách lỗi bên dưới.",
        "en": "{count} answers need fixing. See the list of problems below.",
    },
    "procedures.err_required": {
        "vi": "Vui lòng nhập thông tin này.",
        "en": "Please fill this in.",
    },
    "procedures.err_too_long": {
        "vi": "Tối đa {n} ký tự.",
        "en": "At most {n} characters.",
    },
    "procedures.err_pattern": {
        "vi": "Định dạng chưa đúng.",
        "en": "The format is not right.",
    },
    "procedures.err_invalid": {
        "vi": "Giá trị không hợp lệ.",
        "en": "This value is not valid.",
    },
    "procedures.err_personal_id": {
        "vi": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        "en": "The personal ID number must be exactly 12 digits.",
    },
    "procedures.err_phone": {
        "vi": "Số điện thoại phải gồm 10 chữ số, ví dụ 0912345678.",
        "en": "The phone number must have 10 digits, e.g. 0912345678.",
    },
    "procedures.err_email": {
        "vi": "Địa chỉ email chưa đúng.",
        "en": "The email address is not valid.",
    },
    "procedures.err_date": {
        "vi": "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/1990.",
        "en": "Enter the date as day/month/year, e.g. 05/09/1990.",
    },
    "procedures.err_date_future": {
        "vi": "Ngày này không được sau hôm nay.",
        "en": "This date cannot be in the future.",
    },
    "procedures.err_number": {
        "vi": "Vui lòng nhập một số.",
        "en": "Please enter a number.",
    },
    "procedures.err_range": {
        "vi": "Nhập số từ {min} đến {max}.",
        "en": "Enter a number from {min} to {max}.",
    },
    "procedures.err_option": {
        "vi": "Vui lòng chọn một mục trong danh sách.",
        "en": "Please choose an option.",
    },
    "procedures.err_must_accept": {
        "vi": "Bạn cần đánh dấu xác nhận để tiếp tục.",
        "en": "You need to tick this to continue.",
    },
    "procedures.err_group_min": {
        "vi": "Cần ít nhất {n} người.",
        "en": "At least {n} people are needed.",
    },
    "procedures.err_group_max": {
        "vi": "Tối đa {n} người.",
        "en": "At most {n} people.",
    },
    "procedures.err_unknown_page": {
        "vi": "Trang không tồn tại.",
        "en": "This page does not exist.",
    },
    "procedures.err_draft_answers": {
        "vi": "Các câu trả lời gửi lên không hợp lệ.",
        "en": "The answers sent are not valid.",
    },
    "procedures.err_agency": {
        "vi": "Vui lòng chọn cơ quan tiếp nhận trong danh sách.",
        "en": "Please choose a receiving office from the list.",
    },
    "procedures.err_rule": {
        "vi": "Bạn chưa đủ điều kiện cho thủ tục này.",
        "en": "You are not eligible for this procedure.",
    },
    "procedures.err_attachment_missing": {
        "vi": "Vui lòng tải lên giấy tờ này.",
        "en": "Please upload this document.",
    },
    "procedures.not_editable": {
        "vi": "Hồ sơ đã nộp, không thể sửa.",
        "en": "The dossier was submitted and cannot be edited.",
    },
    "procedures.attachment_unknown": {
        "vi": "Loại giấy tờ không đúng.",
        "en": "Unknown document type.",
    },
    "procedures.file_empty": {
        "vi": "Tệp trống.",
        "en": "The file is empty.",
    },
    "procedures.file_too_large": {
        "vi": "Tệp quá lớn (tối đa {mb} MB).",
        "en": "The file is too large (max {mb} MB).",
    },
    "procedures.file_type": {
        "vi": "Chỉ nhận tệp PDF, JPG hoặc PNG.",
        "en": "Only PDF, JPG or PNG files are accepted.",
    },
    "procedures.file_missing": {
        "vi": "Không tìm thấy tệp.",
        "en": "File not found.",
    },
    "procedures.transition_illegal": {
        "vi": "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ.",
        "en": "This action is not possible in the dossier's current status.",
    },
    "procedures.reason_required": {
        "vi": "Vui lòng ghi rõ lý do.",
        "en": "Please give the reason.",
    },
    "procedures.fee_not_due": {
        "vi": "Hồ sơ không chờ nộp lệ phí.",
        "en": "No fee is due for this dossier.",
    },
    "procedures.fee_amount_invalid": {
        "vi": "Số tiền không hợp lệ.",
        "en": "The amount is not valid.",
    },
    "procedures.rating_too_early": {
        "vi": "Bạn có thể đánh giá khi đã có kết quả.",
        "en": "You can rate the service once the result is ready.",
    },
    "procedures.rating_range": {
        "vi": "Chọn từ 1 đến 5 sao.",
        "en": "Choose 1 to 5 stars.",
    },
    "procedures.lookup_failed": {
        "vi": "Mã hồ sơ hoặc mã tra cứu không đúng.",
        "en": "The dossier number or access code is wrong.",
    },
    "procedures.lookup_locked": {
        "vi": "Hồ sơ này đã bị tra cứu sai mã quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
        "en": "Too many wrong access codes were tried for this dossier. Please try again in {minutes} minutes.",
    },
    "procedures.consent_missing": {
        "vi": "Bạn chưa được công dân đồng ý cho thực hiện việc này, hoặc sự đồng ý đã hết hạn.",
        "en": "The citizen has not allowed you to do this, or the consent has expired.",
    },
    "procedures.consent_scope_invalid": {
        "vi": "Phạm vi đồng ý không hợp lệ.",
        "en": "Invalid consent scope.",
    },
    "procedures.consent_procedures_invalid": {
        "vi": "Chọn ít nhất một thủ tục.",
        "en": "Choose at least one procedure.",
    },
    "procedures.consent_hours_invalid": {
        "vi": "Thời hạn từ 1 đến {max} giờ.",
        "en": "Duration from 1 to {max} hours.",
    },
    "procedures.consent_self": {
        "vi": "Không thể tự ủy quyền cho chính mình.",
        "en": "You cannot authorise yourself.",
    },
    "procedures.helper_not_volunteer": {
        "vi": "Người này không phải tình nguyện viên đã đăng ký.",
        "en": "This person is not a registered volunteer.",
    },
    "procedures.consent_code_invalid": {
        "vi": "Mã không đúng hoặc đã hết hạn.",
        "en": "The code is wrong or has expired.",
    },
    "procedures.consent_text": {
        "vi": (
            "Tôi đồng ý để {helper} chuẩn bị{submit} hồ sơ {procedures} thay tôi đến {until}. Tôi có "
            "thể thu hồi bất cứ lúc nào."
        ),
        "en": (
            "I allow {helper} to prepare{submit} {procedures} dossiers for me until {until}. I can "
            "revoke this at any time."
        ),
    },
    "procedures.official_without_agency": {
        "vi": "Tài khoản cán bộ chưa gắn với cơ quan.",
        "en": "This official account is not linked to an agency.",
    },
    "procedures.supplement_item_invalid": {
        "vi": "Mục yêu cầu bổ sung không hợp lệ.",
        "en": "Invalid supplement item.",
    },
    "procedures.supplement_items_required": {
        "vi": "Liệt kê ít nhất một giấy tờ cần bổ sung.",
        "en": "List at least one missing item.",
    },
    "procedures.already_signed": {
        "vi": "Kết quả đã được ký.",
        "en": "The result is already signed.",
    },
    "procedures.sign_failed": {
        "vi": "Ký số không thành công.",
        "en": "Signing failed.",
    },
    "procedures.result_unsigned": {
        "vi": "Kết quả chưa được ký số.",
        "en": "The result has not been signed yet.",
    },
    "procedures.result_missing": {
        "vi": "Chưa có kết quả.",
        "en": "No result yet.",
    },
    "procedures.font_missing": {
        "vi": "Thiếu phông chữ tiếng Việt trên máy chủ.",
        "en": "The server is missing a Vietnamese font.",
    },
    "procedures.notice_status": {
        "vi": "Hồ sơ {number}: {status}.",
        "en": "Dossier {number}: {status}.",
    },
    "procedures.notice.submit": {
        "vi": "Hồ sơ {number} đã được gửi tới {agency}. Giấy biên nhận và mã tra cứu nằm trong hồ sơ.",
        "en": "Dossier {number} was sent to {agency}. The receipt and access code are in the dossier.",
    },
    "procedures.notice.pay_fee": {
        "vi": "Đã nhận lệ phí của hồ sơ {number}; hồ sơ đã được chuyển tới {agency}.",
        "en": "The fee for dossier {number} is paid; the dossier went on to {agency}.",
    },
    "procedures.notice.accept": {
        "vi": "Hồ sơ {number} đã được tiếp nhận. Hẹn trả kết quả ngày {date}.",
        "en": "Dossier {number} was accepted. The result is due on {date}.",
    },
    "procedures.notice.refuse": {
        "vi": "Hồ sơ {number} không được tiếp nhận. Lý do: {reason}",
        "en": "Dossier {number} was not accepted. Reason: {reason}",
    },
    "procedures.notice.start_processing": {
        "vi": "Cán bộ đang giải quyết hồ sơ {number}. Hẹn trả kết quả ngày {date}.",
        "en": "An officer is working on dossier {number}. The result is due on {date}.",
    },
    "procedures.notice.request_supplement": {
        "vi": "Hồ sơ {number} cần bổ sung: {reason}. Mở hồ sơ để bổ sung ngay trên điện thoại; thời hạn tạm dừng "
              "đến khi bạn gửi.",
        "en": "Dossier {number} needs more: {reason}. Open the dossier to add it from your phone; the clock waits "
              "for you.",
    },
    "procedures.notice.request_fee": {
        "vi": "Hồ sơ {number} chờ bạn nộp lệ phí {amount}. Mở hồ sơ để thanh toán trực tuyến.",
        "en": "Dossier {number} waits for the fee of {amount}. Open the dossier to pay online.",
    },
    "procedures.notice.stop": {
        "vi": "Cơ quan dừng xử lý hồ sơ {number}. Lý do: {reason}",
        "en": "The office stopped processing dossier {number}. Reason: {reason}",
    },
    "procedures.notice.assigned": {
        "vi": "Bạn được giao xử lý hồ sơ {number}.",
        "en": "Dossier {number} was assigned to you.",
    },
    "procedures.notice.sign_waiting": {
        "vi": "Tình nguyện viên {helper} đã chuẩn bị xong hồ sơ {number} ({procedure}). Hồ sơ chờ bạn xem lại "
              "và ký số: mở thông báo này để ký.",
        "en": "Volunteer {helper} finished dossier {number} ({procedure}). It waits for you to review and sign: "
              "open this notification to sign.",
    },
    "procedures.note_required": {
        "vi": "Vui lòng ghi ý kiến xử lý: công dân đọc được nội dung này.",
        "en": "Please write a note: the citizen reads it.",
    },
    "procedures.second_approver_other": {
        "vi": "Thủ tục này cần một cán bộ khác của cơ quan duyệt lần hai.",
        "en": "This procedure needs a second approval by another official of the agency.",
    },
    "procedures.assign_closed": {
        "vi": "Hồ sơ đã kết thúc, không giao xử lý được nữa.",
        "en": "The dossier is closed and can no longer be assigned.",
    },
    "procedures.assignee_invalid": {
        "vi": "Chỉ giao được cho cán bộ của cơ quan bạn.",
        "en": "Dossiers can only be assigned to officials of your agency.",
    },
    "procedures.notice.approve": {
        "vi": "Hồ sơ {number} đã xử lý xong; kết quả đang được ký số.",
        "en": "Dossier {number} is decided; the result is being signed.",
    },
    "procedures.notice.deliver": {
        "vi": "Hồ sơ {number} đã có kết quả, ký số bởi {agency}. Tải kết quả trong hồ sơ và đánh giá dịch vụ.",
        "en": "Dossier {number} has its result, digitally signed by {agency}. Download it and rate the service.",
    },
    "procedures.notice.result_revoked": {
        "vi": "Kết quả số {document} của hồ sơ {number} đã bị thu hồi. Lý do: {reason}",
        "en": "Result {document} of dossier {number} was revoked. Reason: {reason}",
    },
    "procedures.notice.named": {
        "vi": "{applicant} đã nộp hồ sơ {procedure} (số {number}) tới {agency}, trong đó có tên bạn. Nếu bạn không biết "
              "việc này, hãy báo {agency}.",
        "en": "{applicant} filed a dossier ({procedure}, {number}) with {agency} that names you. If you did not know, "
              "tell {agency}.",
    },
    "procedures.notice.named_result": {
        "vi": "Hồ sơ {number} ({procedure}) có tên bạn đã có kết quả{period}. Xác nhận đã được thêm vào ví của bạn.",
        "en": "Dossier {number} ({procedure}) that names you has its result{period}. The confirmation is in your "
              "wallet.",
    },
    "procedures.activity.access_code_reissued": {
        "vi": "Bạn đã cấp lại mã tra cứu của hồ sơ {number}; mã cũ không còn dùng được.",
        "en": "You got a new access code for dossier {number}; the old one no longer works.",
    },
    "procedures.owner_only": {
        "vi": "Chỉ người nộp hồ sơ xem được giấy biên nhận và mã tra cứu, trong mục Hồ sơ của tôi của họ.",
        "en": "Only the person who filed the dossier sees its receipt and access code, in their My dossiers.",
    },
    "procedures.not_submitted": {
        "vi": "Hồ sơ chưa được nộp.",
        "en": "The dossier has not been submitted.",
    },
    "procedures.notice_apology": {
        "vi": (
            "Phiếu xin lỗi và hẹn lại ngày trả kết quả: hồ sơ {number} bị chậm. Chúng tôi xin lỗi và "
            "hẹn trả kết quả ngày {date}."
        ),
        "en": "Apology and new appointment: dossier {number} is late. We apologise; the new result date is {date}.",
    },
}
