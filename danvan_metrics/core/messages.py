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
SIDEBAR_NOTE = "Mọi bộ lọc nằm trong địa chỉ trang: sao chép đường dẫn để người khác thấy đúng màn hình này."
NO_FIGURES_FOR_FILTER = (
    "Không có số liệu nào khớp bộ lọc đã chọn. Hãy chọn chỉ tiêu, đơn vị hoặc kỳ khác; "
    "số liệu mới được bổ sung khi các đơn vị tải lên số liệu quý."
)
MIXED_PERIODS = (
    "Các số liệu dưới đây **không cùng kỳ** (mỗi cột ghi kỳ của nó): đừng so sánh trực tiếp. "
    "Chọn một kỳ cụ thể để chỉ so các đơn vị có số liệu cùng kỳ."
)
NOT_RANKED_NEUTRAL = "Chỉ tiêu này không có hướng tốt/xấu (càng nhiều chưa chắc càng tốt) nên không xếp hạng."
NOT_RANKED_PERIODS = "Chỉ xếp hạng khi mọi đơn vị có số liệu cùng một kỳ."
SINGLE_POINT = (
    "Mỗi đơn vị mới có **một** số liệu cho chỉ tiêu này: chưa có chuỗi thời gian để xem xu hướng. "
    "Biểu đồ hiển thị các điểm hiện có; xu hướng sẽ hiện khi có thêm số liệu các quý."
)
NO_UNIT_FIGURES = "Đơn vị này chưa có số liệu. Cán bộ của đơn vị có thể tải lên số liệu quý ở trang “Tải lên số liệu”."
REFORM_NOTE = (
    "Từ 01/07/2025 chính quyền địa phương còn hai cấp (tỉnh và xã); quận, huyện không còn là đơn vị hành chính."
)
# Demo mode (DANVAN_DEMO=1): every page, chart and download says the figures are synthetic.
DEMO_BANNER = "DỮ LIỆU MẪU — không phải số liệu thật"
DEMO_PAGE_NOTE = (
    f"**{DEMO_BANNER}.** Đây là bản trình diễn: mọi con số do máy tạo ngẫu nhiên theo danh mục đơn vị và "
    "chỉ tiêu thật, chỉ để xem thử cách trang hoạt động. Không dùng để báo cáo hay so sánh thật."
)
# Many units: the compare page's views that stay readable, and the trend page's cap on lines.
SCALE_VIEW_LABELS = {
    "top_bottom": "Tốt nhất và kém nhất",
    "distribution": "Phân bố mọi đơn vị",
    "provinces": "Gộp theo tỉnh, thành phố",
    "map": "Bản đồ",
    "map_provinces": "Bản đồ gộp theo tỉnh, thành phố",
}
BARS_LABEL = "Biểu đồ cột từng đơn vị"
SCALE_VIEW_NOTE = (
    "Có {n} đơn vị: biểu đồ cột từng đơn vị sẽ không đọc được, nên trang hiển thị dạng gọn. "
    "Tải CSV hoặc XLSX để có đủ {n} đơn vị, hoặc chọn nhóm so sánh nhỏ hơn để xem từng cột."
)
SCALE_TABLE_NOTE = {
    "provinces": "Bảng: {k} tỉnh, thành phố, gộp từ số liệu của các đơn vị trực thuộc.",
    "top_bottom": "Bảng: {k} đơn vị tốt nhất và kém nhất{mine}.",
    "distribution": "Bảng: {k} đơn vị tốt nhất và kém nhất{mine}.",
    "map": "Bảng: {k} đơn vị tốt nhất và kém nhất{mine} trong số các đơn vị trên bản đồ.",
    "map_provinces": "Bảng: {k} tỉnh, thành phố trên bản đồ, gộp từ số liệu của các đơn vị trực thuộc.",
}
ROLLUP_NEEDS_ONE_PERIOD = "Chỉ gộp theo tỉnh khi mọi số liệu cùng một kỳ: hãy chọn một kỳ cụ thể ở ô “Kỳ số liệu”."
TREND_CAPPED = (
    "Đang vẽ {shown}/{total} đơn vị để biểu đồ còn đọc được ({which}). "
    "Chọn đơn vị cụ thể ở ô “Đơn vị” (tối đa {cap}) để vẽ đơn vị khác."
)
EXPORT_FAILED = "Không tạo được {what}: {reason} Số liệu không bị thay đổi."
EXPORT_FAILED_UNEXPECTED = (
    "Không tạo được {what} do một lỗi ngoài dự kiến; số liệu không bị thay đổi. Hãy thử lại; nếu vẫn lỗi, báo cho "
    "quản trị viên kèm thời điểm và trang đang xem (chi tiết đã được ghi vào nhật ký máy chủ)."
)
# A link's filter value that is not among the choices: said, never silently replaced.
URL_UNKNOWN_ONE = (
    "Đường dẫn ghi {value} ở ô “{label}”, nhưng không có lựa chọn nào như vậy (có thể đường dẫn cũ hoặc gõ sai). "
    "Trang đang hiển thị: **{shown}**."
)
URL_UNKNOWN_MANY = (
    "Đường dẫn ghi {values} ở ô “{label}”, nhưng không có lựa chọn nào như vậy (có thể đường dẫn cũ hoặc gõ sai); "
    "bộ lọc đã bỏ qua {them}."
)
SELECT_PLACEHOLDER = "Chọn một mục"
MULTISELECT_PLACEHOLDER = "Chọn một hoặc nhiều mục"
NOT_CHOSEN = "chưa chọn"
# The file uploader: Streamlit 1.67 writes its limits in English, so the page says them in Vietnamese.
UPLOAD_LIMITS = "Tối đa {mb} MB mỗi tệp · {types}"
UPLOAD_BUTTON = "Chọn tệp"
UPLOAD_DROP_HERE = "Thả tệp vào đây"
RETRACTED_SOURCE = "đã rút lại"
RETRACTED_SOURCE_NOTE = (
    "Lần tải lên này đã được {by} rút lại lúc {at}: số liệu của nó không còn hiển thị ở trang nào; "
    "số liệu cũ (nếu có) đã được khôi phục."
)
