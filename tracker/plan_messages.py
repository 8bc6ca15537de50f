"""The plan import's row errors in the user's language (``domain.plan_sheet.Problem`` codes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.domain.plan_sheet import Problem

MESSAGES = {
    "required": _l("thiếu %(column)s"),
    "too_long": _l("%(column)s dài quá %(limit)s ký tự"),
    "bad_code": _l("mã nhiệm vụ không hợp lệ: %(value)s (tối đa 20 ký tự, không có khoảng trắng)"),
    "bad_date": _l("%(column)s không phải là ngày (dd/mm/yyyy): %(value)s"),
    "due_before_start": _l("thời hạn trước ngày bắt đầu"),
    "due_removed": _l("không thể bỏ thời hạn; ghi “thường xuyên” nếu là nhiệm vụ thường xuyên"),
    "field_unknown": _l("lĩnh vực không có trong văn bản: %(value)s"),
    "agency_unknown": _l("không tìm thấy cơ quan “%(name)s” của tỉnh %(province)s"),
    "agency_ambiguous": _l("tên “%(name)s” trùng với nhiều cơ quan, hãy ghi mã: %(codes)s"),
    "agency_split": _l("cơ quan “%(name)s” đã được chia tách; hãy ghi mã cơ quan hiện nay"),
    "one_lead": _l("mỗi tỉnh chỉ có một cơ quan chủ trì (%(province)s)"),
    "support_without_lead": _l("có cơ quan phối hợp nhưng chưa có cơ quan chủ trì của tỉnh %(province)s"),
    "lead_and_support": _l("%(name)s vừa chủ trì vừa phối hợp"),
    "lead_missing": _l("chưa có cơ quan chủ trì"),
    "side_lead_missing": _l("thiếu cơ quan chủ trì của tỉnh %(province)s"),
    "duplicate_code": _l("mã %(code)s trùng với dòng %(first)s"),
    "other_side": _l("không được thay đổi phần việc của tỉnh %(province)s"),
    "shared_fields": _l("nội dung, thời hạn chung của hai tỉnh chỉ quản trị viên được sửa"),
    "bad_number": _l("%(column)s không phải là số không âm: %(value)s"),
    "target_unit_missing": _l("có chỉ tiêu nhưng chưa ghi đơn vị tính"),
    "column_missing": _l("thiếu cột %(column)s"),
    "column_twice": _l("cột %(column)s có hai lần"),
    "column_unknown": _l("cột không rõ: %(column)s"),
}

FILE_ERRORS = {
    "empty": _l("Tệp không có dòng tiêu đề."),
    "too_many_rows": _l("Tệp có quá nhiều dòng (tối đa 5.000)."),
    "unreadable": _l("Không đọc được tệp XLSX."),
    "not_utf8": _l("Tệp CSV phải được lưu với bảng mã UTF-8."),
    "unknown_type": _l("Chỉ nhận tệp .xlsx hoặc .csv."),
}

# The headings of domain.plan_sheet.COMMON and SIDE, translatable.
COLUMN_LABELS = {
    "field": _l("Lĩnh vực (số)"),
    "code": _l("Mã nhiệm vụ"),
    "title": _l("Nội dung nhiệm vụ"),
    "description": _l("Mô tả"),
    "deliverable": _l("Kết quả/sản phẩm"),
    "start": _l("Ngày bắt đầu"),
    "due": _l("Thời hạn"),
    "source": _l("Câu trích từ văn bản"),
}
SIDE_LABELS = {"lead": _l("Cơ quan chủ trì"), "support": _l("Cơ quan phối hợp"), "target": _l("Chỉ tiêu năm")}
COLUMN_LABELS["target_unit"] = _l("Đơn vị tính chỉ tiêu")


# The commitment form's fields, as a proposal names them.
FIELD_LABELS = {
    "code": _l("Mã nhiệm vụ"),
    "title": _l("Nội dung nhiệm vụ"),
    "description": _l("Mô tả"),
    "deliverable": _l("Kết quả/sản phẩm"),
    "start_date": _l("Ngày bắt đầu"),
    "due_date": _l("Thời hạn"),
    "recurring": _l("Thường xuyên (không thời hạn)"),
    "source_text": _l("Câu trích từ văn bản"),
}


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def column_label(key: str) -> str:
    if key in COLUMN_LABELS:
        return str(COLUMN_LABELS[key])
    side, _, province = key.partition(" ")
    if side in SIDE_LABELS:
        return f"{SIDE_LABELS[side]} {province}"
    return key


def message(problem: Problem) -> str:
    params = dict(problem.params)
    if "column" in params:
        params["column"] = column_label(params["column"])
    return str(MESSAGES.get(problem.code, problem.code)) % params




# services.plan_edit.PlanEditError codes, shown beside the field.
EDIT_MESSAGES = {
    "reason_required": _l("Chọn lý do thay đổi (và ghi rõ khi chọn “Khác”)."),
    "code_taken": _l("Mã này đã được dùng."),
    "before_start": _l("Ngày kết thúc trước ngày bắt đầu."),
    "date_required": _l("Nhập ngày hiệu lực (ngày kế thừa)."),
    "two_parties": _l("Văn bản cần ít nhất hai tỉnh khác nhau."),
    "party_has_assignments": _l("Tỉnh này đã được phân công nhiệm vụ, không thể bỏ khỏi văn bản."),
    "number_taken": _l("Số thứ tự này đã có."),
    "recurring_has_no_due": _l("Nhiệm vụ thường xuyên không có thời hạn."),
    "due_before_start": _l("Thời hạn trước ngày bắt đầu."),
    "already_assigned": _l("Cơ quan này đã được phân công với vai trò đó."),
    "value_invalid": _l("Chỉ tiêu phải là một số không âm."),
    "already_renewed": _l("Văn bản này đã được chuyển sang giai đoạn tiếp theo."),
    "before_old_start": _l("Ngày chuyển phải sau ngày bắt đầu của giai đoạn hiện tại."),
    "in_future": _l("Ngày chuyển chưa tới; hãy ghi nhận khi giai đoạn mới bắt đầu."),
    "party_split": _l("Một tỉnh đã được chia tách; hãy tạo văn bản mới và chọn các bên."),
}


def edit_errors(form, problems: dict[str, str]) -> None:
    """Put a service's problems beside the form's fields (or at the top)."""
    for name, code in problems.items():
        text = str(EDIT_MESSAGES.get(code, code))
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [text]
        else:
            form.form_errors.append(text)


__all__ = ["EDIT_MESSAGES", "FILE_ERRORS", "MESSAGES", "column_label", "edit_errors", "message"]
