// Vietnamese texts of problem details, for `Accept-Language: vi`: the people who read errors in a
// frontend are officials of communes, districts and provinces. A problem's `code` never changes;
// its `title` is the status's, its `detail` the code's (the English detail names the values
// involved; the Vietnamese one says what is wrong and what to do). A test checks that every code
// the service can answer with has its text here.

export const VI_TITLES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  401: 'Chưa xác thực',
  403: 'Không có quyền',
  404: 'Không tìm thấy',
  408: 'Hết thời gian chờ',
  409: 'Xung đột dữ liệu',
  410: 'Không còn lưu giữ',
  412: 'Điều kiện không thỏa mãn',
  413: 'Dữ liệu gửi lên quá lớn',
  414: 'Đường dẫn quá dài',
  415: 'Kiểu dữ liệu không được hỗ trợ',
  422: 'Dữ liệu không hợp lệ',
  428: 'Cần điều kiện If-Match',
  429: 'Quá nhiều yêu cầu',
  431: 'Phần tiêu đề quá lớn',
  500: 'Lỗi hệ thống',
  503: 'Dịch vụ tạm thời không sẵn sàng',
}

export const VI_DETAILS: Record<string, string> = {
  ALREADY_SUBMITTED:
    'Đơn vị đã gửi báo cáo năm này; chỉ gửi phiên bản mới sau khi báo cáo bị trả lại hoặc mở lại.',
  AMBIGUOUS_PARENT: 'Chỉ gửi một trong hai trường parentId hoặc parentCode.',
  AMBIGUOUS_SCOPE: 'Chỉ gửi scopeRef (hoặc trường cũ scope), không gửi cả hai.',
  BAD_REQUEST: 'Yêu cầu không hợp lệ.',
  BODY_TOO_LARGE: 'Tệp gửi lên vượt quá dung lượng cho phép.',
  BREAKDOWN_SUM_MISMATCH: 'Tổng các số liệu phân loại khác với số người được cảm hóa, giáo dục.',
  CAMPAIGN_CODE_TAKEN: 'Mã đợt thi đua này đã được sử dụng.',
  CAMPAIGN_NOT_FOUND: 'Không tìm thấy đợt thi đua.',
  CERTIFICATION_WITHDRAWN: 'Kết quả công nhận của năm này đã bị thu hồi.',
  CHANGED_DURING_IMPORT:
    'Một bản ghi trong tệp đã bị thay đổi trong lúc nhập; chưa có dữ liệu nào được ghi. Hãy gửi lại tệp.',
  CHANGED_DURING_WRITE:
    'Đơn vị hoặc bản ghi đã bị thay đổi trong lúc ghi; chưa có dữ liệu nào được ghi. Hãy gửi lại yêu cầu.',
  CHECK_VIOLATION: 'Một giá trị vi phạm quy tắc của dữ liệu.',
  CHILDREN_NEED_A_SUCCESSOR:
    'Còn đơn vị trực thuộc có hiệu lực sau ngày thay đổi nhưng không có đơn vị kế thừa duy nhất để chuyển sang; hãy sắp xếp các đơn vị đó trước hoặc gửi children: "close".',
  CHILDREN_OUTSIDE_VALIDITY:
    'Có đơn vị trực thuộc còn hiệu lực ngoài khoảng thời gian mới; hãy đóng hoặc sắp xếp lại các đơn vị đó trước.',
  CODE_OVERLAP: 'Mã này đã được một đơn vị khác sử dụng trong khoảng thời gian trùng lặp.',
  CURSOR_EXPIRED:
    'Các thay đổi sau vị trí này đã quá thời hạn lưu giữ; hãy đồng bộ lại toàn bộ dữ liệu rồi đọc tiếp với after=now.',
  DATABASE_TIMEOUT: 'Cơ sở dữ liệu không phản hồi kịp; hãy thử lại sau ít phút.',
  DATABASE_UNAVAILABLE: 'Không kết nối được cơ sở dữ liệu; hãy thử lại sau ít phút.',
  DATE_IN_FUTURE: 'Ngày tổ chức nằm trong tương lai; chỉ ghi nhận hội nghị đã diễn ra.',
  DELIVERY_IN_PROGRESS: 'Lần gửi này đang được thực hiện; hãy xem lại sau giây lát.',
  DELIVERY_NOT_FOUND: 'Không tìm thấy lần gửi webhook này.',
  DUPLICATE_EXTERNAL_ID: 'Mã externalId này đã được ghi nhận từ hệ thống gửi.',
  DUPLICATE_RECORD: 'Tệp có hai dòng cho cùng một bản ghi; mỗi bản ghi chỉ được nêu một lần.',
  EMPTY_BODY: 'Thiếu nội dung yêu cầu.',
  FORBIDDEN: 'Khóa API này không có quyền thực hiện thao tác.',
  FUTURE_CHILD:
    'Có đơn vị trực thuộc bắt đầu hiệu lực sau ngày thay đổi nên không thể đóng theo thay đổi này.',
  HEADERS_TOO_LARGE: 'Phần tiêu đề của yêu cầu quá lớn.',
  IDEMPOTENCY_KEY_IN_PROGRESS:
    'Yêu cầu đầu tiên với Idempotency-Key này vẫn đang xử lý; hãy thử lại sau giây lát.',
  IDEMPOTENCY_KEY_REUSED:
    'Idempotency-Key này đã dùng cho một yêu cầu khác; hãy dùng khóa mới cho lần ghi mới.',
  IMPORT_ABANDONED: 'Lần nhập đã bị coi là bị bỏ dở trước khi chạy; hãy gửi lại tệp.',
  IMPORT_NOT_FOUND: 'Không tìm thấy lần nhập dữ liệu.',
  IMPORT_REJECTED:
    'Có dòng vi phạm quy tắc nên không có dữ liệu nào được ghi; xem danh sách lỗi theo từng dòng.',
  INCOMPLETE_NEW_UNIT: 'Đơn vị mới cần có mã, tên và loại.',
  INELIGIBLE_UNIT_KIND: 'Loại đơn vị này không áp dụng cho bản ghi này.',
  INTERNAL_ERROR: 'Đã xảy ra lỗi ngoài dự kiến; lỗi đã được ghi lại kèm mã yêu cầu này.',
  INVALID_CHANGE_SHAPE: 'Nội dung thay đổi không đúng với loại sắp xếp đã chọn.',
  INVALID_CONTENT_LENGTH: 'Độ dài nội dung không khớp với Content-Length.',
  INVALID_CURSOR: 'Con trỏ phân trang không hợp lệ; hãy bắt đầu lại từ trang đầu.',
  INVALID_DECISION_DATE: 'Ngày quyết định phải trong hoặc sau năm đánh giá và không ở tương lai.',
  INVALID_FILTER: 'Bộ lọc này không áp dụng cho loại dữ liệu đã chọn.',
  INVALID_HEADER: 'Dòng tiêu đề của tệp CSV có cột không thuộc loại dữ liệu này.',
  INVALID_IDEMPOTENCY_KEY: 'Idempotency-Key phải gồm 1–255 ký tự ASCII hiển thị.',
  INVALID_PARENT_KIND: 'Đơn vị cấp trên không thuộc loại được phép.',
  INVALID_PERIOD: 'Kỳ báo cáo không hợp lệ; dùng dạng 2018, 2018S1, 2018Q3 hoặc 201810.',
  INVALID_ROW: 'Dòng dữ liệu không hợp lệ.',
  INVALID_TRANSITION: 'Không thể chuyển báo cáo sang trạng thái này từ trạng thái hiện tại.',
  INVALID_VALIDITY: 'Ngày bắt đầu hiệu lực sau ngày kết thúc hiệu lực.',
  INVALID_VALUE: 'Một giá trị không đúng kiểu dữ liệu.',
  JSON_TOO_DEEP: 'Dữ liệu JSON lồng nhau quá nhiều cấp.',
  LEGAL_BASIS_NOT_IN_FORCE: 'Căn cứ pháp lý này không áp dụng cho năm đánh giá.',
  MALFORMED_FILE: 'Không đọc được tệp: sai định dạng CSV, JSON hoặc NDJSON.',
  MALFORMED_JSON: 'Nội dung JSON không hợp lệ.',
  MALFORMED_REQUEST: 'Yêu cầu HTTP không hợp lệ.',
  MALFORMED_URL: 'Đường dẫn không hợp lệ.',
  MEETING_NOT_FOUND: 'Không tìm thấy hội nghị.',
  MISSING_VALUE: 'Thiếu một giá trị bắt buộc.',
  NOT_A_RECIPIENT: 'Chỉ huyện và tỉnh nhận báo cáo của cấp dưới.',
  NOT_A_REPORTING_UNIT: 'Chỉ xã, phường, thị trấn, đặc khu, huyện và tỉnh gửi báo cáo.',
  NOT_ELIGIBLE_UNDER_LEGAL_BASIS:
    'Theo căn cứ pháp lý áp dụng, đơn vị này không thuộc diện đánh giá.',
  NOT_FOUND: 'Không tìm thấy.',
  NOT_THE_RECIPIENT: 'Chỉ cấp trên nhận báo cáo mới được duyệt, trả lại hoặc mở lại báo cáo.',
  NOT_VALID_BEFORE_CHANGE: 'Đơn vị bắt đầu hiệu lực sau ngày thay đổi.',
  OUTCOMES_EXCEED_TOTAL:
    'Số trở thành người tốt cộng số đưa vào diện quản lý lớn hơn số được cảm hóa, giáo dục.',
  OUTSIDE_PARENT_VALIDITY:
    'Thời gian hiệu lực của đơn vị phải nằm trong thời gian hiệu lực của đơn vị cấp trên.',
  OUT_OF_SCOPE: 'Đơn vị nằm ngoài phạm vi của khóa API này.',
  OVERLAP_VIOLATION: 'Trùng lặp với một bản ghi đã có.',
  PARENT_REQUIRED: 'Loại đơn vị này cần có đơn vị cấp trên.',
  PATH_PARAMETER_TOO_LONG: 'Tham số trên đường dẫn quá dài.',
  PAYLOAD_TOO_LARGE: 'Nội dung gửi lên quá lớn.',
  PERIOD_BUSY:
    'Số liệu của năm này đang được ghi (ví dụ đang nhập tệp); vui lòng duyệt lại sau ít phút.',
  PERIOD_IN_FUTURE: 'Kỳ báo cáo chưa bắt đầu.',
  PERIOD_LOCKED:
    'Số liệu của năm này đã khóa vì báo cáo của đơn vị cấp trên đã được duyệt; cần mở lại báo cáo trước khi sửa.',
  PRECONDITION_FAILED:
    'Bản ghi đã thay đổi kể từ lần đọc (ETag không khớp); hãy đọc lại rồi gửi lại.',
  PRECONDITION_REQUIRED: 'Thay đổi này cần gửi If-Match với ETag của bản ghi.',
  RATE_LIMITED: 'Vượt quá số yêu cầu cho phép mỗi phút; hãy thử lại sau.',
  RATE_OUT_OF_RANGE: 'Tỷ lệ phải nằm trong khoảng từ 0 đến 1.',
  REFERENCE_VIOLATION:
    'Tham chiếu đến bản ghi không tồn tại, hoặc bản ghi vẫn đang được tham chiếu.',
  REORGANISATION_NEEDED:
    'Đổi loại hoặc đơn vị cấp trên là sắp xếp đơn vị hành chính: dùng POST /v1/unit-changes.',
  REPEATED_COLUMN: 'Một cột xuất hiện hai lần trong dòng tiêu đề.',
  REQUEST_TIMEOUT: 'Yêu cầu không được gửi hết trong thời gian cho phép.',
  ROUTE_NOT_FOUND: 'Không có đường dẫn này.',
  SERVICE_UNAVAILABLE: 'Dịch vụ tạm thời không sẵn sàng; hãy thử lại sau.',
  SUBMISSION_NOT_FOUND: 'Không tìm thấy báo cáo đã gửi.',
  UNAUTHORIZED: 'Hãy gửi khóa API hợp lệ: Authorization: Bearer <khóa>.',
  UNIQUE_VIOLATION: 'Đã có bản ghi với cùng khóa.',
  UNIT_CLOSED: 'Đơn vị đã hết hiệu lực trong thời gian này.',
  UNIT_HAS_CHILDREN: 'Đơn vị còn đơn vị trực thuộc; hãy đóng bằng validTo thay vì xóa.',
  UNIT_IN_USE:
    'Đơn vị đang được tham chiếu (bản ghi, lịch sử sắp xếp hoặc khóa API); hãy đóng bằng validTo thay vì xóa.',
  UNIT_NOT_FOUND: 'Không tìm thấy đơn vị với mã hoặc định danh này vào ngày đó.',
  UNIT_NOT_YET_VALID: 'Đơn vị chưa có hiệu lực trong thời gian này.',
  UNKNOWN_COLUMN: 'Cột không thuộc loại dữ liệu này.',
  UNKNOWN_FIELD: 'Trường không được hỗ trợ.',
  UNKNOWN_SCOPE_UNIT: 'Không tìm thấy đơn vị để giới hạn phạm vi khóa API.',
  UNSUPPORTED_ENCODING:
    'Tệp không ở dạng UTF-8: trong Excel, chọn “Lưu thành” → “CSV UTF-8 (Comma delimited)”.',
  UNSUPPORTED_FORMAT:
    'Tài liệu PDF chỉ lập cho báo cáo tổng hợp; bỏ groupBy=child hoặc chọn JSON, CSV.',
  UNSUPPORTED_MEDIA_TYPE: 'Kiểu nội dung (Content-Type) không được hỗ trợ.',
  VALIDATION_FAILED: 'Yêu cầu có trường không hợp lệ; xem danh sách lỗi.',
  WEBHOOK_DISABLED: 'Đăng ký webhook đang bị tắt; hãy bật lại (enabled: true) trước khi gửi lại.',
  WEBHOOK_NOT_FOUND: 'Không tìm thấy đăng ký webhook.',
  WEBHOOK_URL_NOT_ALLOWED:
    'Địa chỉ nhận webhook không được phép (chỉ http/https, không kèm tài khoản, và thuộc danh sách máy chủ cho phép).',
  YEAR_IN_FUTURE: 'Năm đánh giá chưa bắt đầu.',
}
