"""Texts of the operations pages (vi first, en)."""

MESSAGES = {
    "ops.jobs.title": {"vi": "Tác vụ nền", "en": "Background jobs"},
    "ops.jobs.lead": {"vi": "Mỗi tác vụ chạy một lần tại một thời điểm trên toàn hệ thống. Bấm “Làm mới” để cập nhật.", "en": "Each job runs once at a time across all servers. Press the button to refresh."},
    "ops.jobs.refresh": {"vi": "Làm mới", "en": "Refresh"},
    "ops.jobs.none": {"vi": "Chưa có tác vụ nền nào.", "en": "No background jobs yet."},
    "ops.jobs.name": {"vi": "Tác vụ", "en": "Job"},
    "ops.jobs.every": {"vi": "Chu kỳ (giây)", "en": "Every (seconds)"},
    "ops.jobs.state": {"vi": "Trạng thái", "en": "State"},
    "ops.jobs.last_started": {"vi": "Bắt đầu lần cuối", "en": "Last started"},
    "ops.jobs.last_finished": {"vi": "Kết thúc lần cuối", "en": "Last finished"},
    "ops.jobs.result": {"vi": "Kết quả", "en": "Result"},
    "ops.jobs.backlog": {"vi": "Tồn đọng", "en": "Backlog"},
    "ops.jobs.runs": {"vi": "Số lần chạy", "en": "Runs"},
    "ops.jobs.running": {"vi": "Đang chạy", "en": "Running"},
    "ops.jobs.idle": {"vi": "Chờ", "en": "Idle"},
    "ops.jobs.late": {"vi": "Trễ — chưa chạy quá 3 chu kỳ", "en": "Late — not started for 3 intervals"},
    "ops.jobs.ok": {"vi": "Thành công", "en": "Succeeded"},
    "ops.jobs.failed": {"vi": "Lỗi: {error}", "en": "Failed: {error}"},
    "ops.jobs.never": {"vi": "Chưa chạy", "en": "Not run yet"},
}
