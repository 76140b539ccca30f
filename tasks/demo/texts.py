"""The words of the demo's people: results, difficulties, proposals, remarks, reasons for returning."""

RESULTS = (
    "Đã ban hành văn bản triển khai, phân công cán bộ đầu mối; đang tổ chức thực hiện theo kế hoạch.",
    "Đã tổ chức họp triển khai, rà soát hiện trạng và xây dựng dự thảo sản phẩm.",
    "Đang thu thập, tổng hợp số liệu từ các phòng chuyên môn; dự thảo đã gửi xin ý kiến.",
    "Đã hoàn thành khảo sát, đang hoàn thiện dự thảo theo góp ý của các đơn vị phối hợp.",
)
DIFFICULTIES = (
    "Thiếu nhân lực chuyên trách về chuyển đổi số; cán bộ kiêm nhiệm nhiều việc.",
    "Kinh phí thực hiện chưa được bố trí trong dự toán năm.",
    "Hạ tầng mạng, thiết bị tại một số bộ phận chưa đáp ứng yêu cầu.",
    "Hướng dẫn của Trung ương chưa được ban hành đầy đủ, còn chờ văn bản của Bộ.",
    "Dữ liệu phân tán ở nhiều phần mềm, chưa kết nối, đồng bộ được.",
)
PROPOSALS = (
    "Đề nghị Sở Tài chính tham mưu bố trí kinh phí bổ sung để triển khai.",
    "Đề nghị Sở Khoa học và Công nghệ hướng dẫn nghiệp vụ, hỗ trợ kỹ thuật.",
    "Đề nghị Ban Chỉ đạo cho phép điều chỉnh thời hạn hoàn thành.",
    "Đề nghị tổ chức tập huấn cho cán bộ đầu mối của đơn vị.",
)
COMMENTS = (
    "Đơn vị phối hợp đã cung cấp số liệu theo đề nghị; đề nghị đơn vị chủ trì cập nhật vào báo cáo.",
    "Đề nghị đơn vị chủ trì gửi dự thảo sớm để đơn vị phối hợp có ý kiến trước ngày 20.",
    "Thống nhất với nội dung dự thảo; đề nghị bổ sung phần đánh giá rủi ro an toàn thông tin.",
    "Đơn vị đã cử cán bộ tham gia tổ công tác; sẵn sàng phối hợp kiểm tra thực tế.",
    "Đề nghị làm rõ phạm vi dữ liệu cần chia sẻ và đầu mối tiếp nhận.",
)
REMEDIES = (
    "Giao phòng chuyên môn tập trung hoàn thiện sản phẩm, báo cáo Thủ trưởng hằng tuần.",
    "Bổ sung cán bộ đầu mối, làm việc với đơn vị phối hợp để hoàn thiện số liệu còn thiếu.",
    "Trình UBND tỉnh bố trí kinh phí; trong khi chờ, triển khai phần việc không cần kinh phí.",
    "Hoàn thiện dự thảo theo góp ý, trình ký ban hành ngay khi có ý kiến thống nhất.",
)
CORRECTION = "(Bổ sung, điều chỉnh số liệu sau khi rà soát lại với các phòng chuyên môn.)"
RETURN_REASONS = (
    ("unsigned", "Tệp gửi kèm là bản dự thảo, chưa có chữ ký và dấu; đề nghị gửi bản đã ban hành."),
    ("missing_document", "Thiếu báo cáo tổng hợp kết quả theo sản phẩm đầu ra; đề nghị bổ sung."),
    ("not_output", "Minh chứng là kế hoạch triển khai, chưa phải sản phẩm đầu ra theo phụ lục."),
    ("other", "Văn bản ban hành ngoài thời gian thực hiện nhiệm vụ; đề nghị làm rõ."),
)


def results(subtask, completion, rng) -> str:
    text = rng.choice(RESULTS)
    if subtask.output:
        text += f" Sản phẩm: {subtask.output[:160]} — ước đạt {completion:.0f}%."
    return text


def claim_results(subtask, tries: int, rng) -> str:
    what = subtask.output[:200] if subtask.output else "sản phẩm đầu ra theo phụ lục"
    if tries:
        return f"Đã hoàn thiện theo ý kiến thẩm định, gửi kèm bản đã ký ban hành: {what}."
    return f"Đã hoàn thành nhiệm vụ; gửi kèm minh chứng: {what}."
