"""Error messages in English and Vietnamese, chosen by the Accept-Language header."""

from typing import Literal

Language = Literal["en", "vi"]
DEFAULT_LANGUAGE: Language = "en"

# Vietnamese message for each error code; English keeps the specific message raised.
VIETNAMESE: dict[str, str] = {
    "BAD_REQUEST": "Yêu cầu không hợp lệ",
    "VALIDATION_ERROR": "Dữ liệu gửi lên không hợp lệ",
    "UNAUTHORIZED": "Chưa xác thực hoặc thông tin xác thực không hợp lệ",
    "FORBIDDEN": "Bạn không có quyền thực hiện thao tác này",
    "NOT_FOUND": "Không tìm thấy tài nguyên",
    "METHOD_NOT_ALLOWED": "Phương thức không được hỗ trợ",
    "CONFLICT": "Dữ liệu xung đột với bản ghi đã có",
    "PAYLOAD_TOO_LARGE": "Dữ liệu gửi lên quá lớn",
    "RATE_LIMITED": "Quá nhiều yêu cầu, vui lòng thử lại sau",
    "INTERNAL_ERROR": "Lỗi máy chủ nội bộ",
    "SERVICE_UNAVAILABLE": "Dịch vụ tạm thời không khả dụng",
}
VIETNAMESE_FALLBACK = "Yêu cầu không thành công"


def choose_language(accept_language: str | None) -> Language:
    """The supported language the client prefers most (`vi;q=0.9, en;q=0.8` -> vi)."""
    best: Language = DEFAULT_LANGUAGE
    best_quality = 0.0
    for entry in (accept_language or "").split(","):
        tag, _, params = entry.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("en", "vi"):
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > best_quality:
            best, best_quality = ("vi" if primary == "vi" else "en"), quality
    return best


def translate(code: str, message: str, language: Language) -> str:
    """The message of an error with this code, in `language`."""
    if language == "vi":
        return VIETNAMESE.get(code, VIETNAMESE_FALLBACK)
    return message
