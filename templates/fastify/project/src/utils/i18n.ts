// Error messages in English and Vietnamese, chosen by the Accept-Language header.
import type { ErrorCode } from "./errors.js";

export type Language = "en" | "vi";

const VIETNAMESE: Record<ErrorCode, string> = {
  BAD_REQUEST: "Yêu cầu không hợp lệ",
  VALIDATION_ERROR: "Dữ liệu gửi lên không hợp lệ",
  UNAUTHORIZED: "Chưa xác thực hoặc thông tin xác thực không hợp lệ",
  FORBIDDEN: "Bạn không có quyền thực hiện thao tác này",
  NOT_FOUND: "Không tìm thấy tài nguyên",
  METHOD_NOT_ALLOWED: "Phương thức không được hỗ trợ",
  CONFLICT: "Dữ liệu xung đột với bản ghi đã có",
  PAYLOAD_TOO_LARGE: "Dữ liệu gửi lên quá lớn",
  UNSUPPORTED_MEDIA_TYPE: "Kiểu nội dung không được hỗ trợ",
  RATE_LIMITED: "Quá nhiều yêu cầu, vui lòng thử lại sau",
  INTERNAL_ERROR: "Lỗi máy chủ nội bộ",
  SERVICE_UNAVAILABLE: "Dịch vụ tạm thời không khả dụng",
};

/** The supported language the client prefers most (`vi;q=0.9, en;q=0.8` -> vi). */
export function chooseLanguage(acceptLanguage: string | undefined): Language {
  let best: Language = "en";
  let bestQuality = 0;
  for (const entry of (acceptLanguage ?? "").split(",")) {
    const [tag = "", ...params] = entry.trim().split(";");
    const primary = tag.trim().toLowerCase().split("-")[0];
    if (primary !== "en" && primary !== "vi") continue;
    let quality = 1;
    for (const param of params) {
      const [name, value] = param.trim().split("=");
      if (name === "q") quality = Number(value) || 0;
    }
    if (quality > bestQuality) {
      best = primary;
      bestQuality = quality;
    }
  }
  return best;
}

/** The message of an error with this code, in `language` (English keeps the specific one). */
export function translate(code: ErrorCode, message: string, language: Language): string {
  return language === "vi" ? VIETNAMESE[code] : message;
}
