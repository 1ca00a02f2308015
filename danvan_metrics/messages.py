"""User-facing wording shared by several pages, in one place so it is easy to review."""

APP_TITLE = "Dân vận chính quyền: số liệu so sánh"
UNEXPECTED_ERROR = (
    "Đã có lỗi ngoài dự kiến khi hiển thị trang này. Số liệu không bị thay đổi. "
    "Hãy tải lại trang; nếu lỗi còn, báo cho quản trị viên kèm thời điểm xảy ra."
)
NO_DATA = (
    "Chưa có số liệu. Số liệu tuyển chọn được nạp khi ứng dụng khởi động; "
    "hãy kiểm tra thư mục data/curated hoặc tải lên số liệu quý."
)
SOURCE_NOTE = "Mỗi số liệu kèm nguồn, kỳ số liệu và trích dẫn nguyên văn từ văn bản gốc."
