"""The import preview page: the duplicate warning, and each change told with its consequence."""

import re

import pytest
from django.urls import reverse

from tasks.models import Assignment, Plan, SubTask

from ._import_helpers import small_rows, write_xlsx
from .test_import_views import _upload, secretariat  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _token(response):
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_the_same_appendix_as_a_new_plan_is_warned_and_needs_confirming(client, secretariat, tmp_path):  # noqa: F811
    path = write_xlsx(tmp_path / "a.xlsx", small_rows())
    client.post(reverse("tasks:import_apply", args=[_token(_upload(client, path))]))
    first = Plan.objects.get()

    token = _token(_upload(client, path))
    html = client.get(reverse("tasks:import_preview", args=[token])).content.decode()
    assert "Phụ lục này đã được nhập" in html
    assert "2/2 tiểu nhiệm vụ trùng mã và nội dung" in html
    assert "Cập nhật kế hoạch này thay vì tạo mới" in html

    refused = client.post(reverse("tasks:import_apply", args=[token]))
    assert refused.status_code == 400
    assert "thật sự muốn tạo thêm một kế hoạch mới" in refused.content.decode()
    assert Plan.objects.count() == 1

    # Taking the offer: the same preview now updates the first plan, and finds nothing to do.
    client.post(reverse("tasks:import_retarget", args=[token]), {"plan": first.pk})
    html = client.get(reverse("tasks:import_preview", args=[token])).content.decode()
    assert "Kế hoạch có sẵn" in html and "Không có gì thay đổi" in html
    client.post(reverse("tasks:import_apply", args=[token]))
    assert Plan.objects.count() == 1 and SubTask.objects.count() == 2


def test_a_second_plan_from_the_same_appendix_is_made_only_when_confirmed(client, secretariat, tmp_path):  # noqa: F811
    path = write_xlsx(tmp_path / "a.xlsx", small_rows())
    client.post(reverse("tasks:import_apply", args=[_token(_upload(client, path))]))
    token = _token(_upload(client, path))
    client.post(reverse("tasks:import_apply", args=[token]), {"confirm_duplicate": "1"})
    assert Plan.objects.count() == 2


def test_the_preview_of_an_amended_appendix_states_each_consequence(client, secretariat, tmp_path):  # noqa: F811
    path = write_xlsx(tmp_path / "a.xlsx", small_rows(lead="Sở Khoa học và Công nghệ", co="Sở Tài chính"))
    client.post(reverse("tasks:import_apply", args=[_token(_upload(client, path))]))
    plan = Plan.objects.get()
    amended = small_rows(deadline="31/03/2026", lead="Sở Tài chính", co="Sở Khoa học và Công nghệ")[:2]
    token = _token(_upload(client, write_xlsx(tmp_path / "b.xlsx", amended), plan=str(plan.pk)))
    html = client.get(reverse("tasks:import_preview", args=[token])).content.decode()
    assert "<del>31/12/2025</del> → <ins>31/03/2026</ins>" in html
    assert "Sở Tài chính: phối hợp → chủ trì, giữ nguyên phân công — chưa có báo cáo" in html
    assert "Tiểu nhiệm vụ bỏ khỏi phụ lục: phân công được đóng, báo cáo được giữ" in html
    assert "Sở Khoa học và Công nghệ: thôi giao (chủ trì), phân công được đóng, không xoá" in html
    assert client.post(reverse("tasks:import_apply", args=[token])).status_code == 302
    sub = SubTask.objects.get(code="1.1")
    assert set(Assignment.objects.filter(subtask=sub).values_list("unit__name", "role")) == {
        ("Sở Tài chính", "lead"),
        ("Sở Khoa học và Công nghệ", "co"),
    }
    assert SubTask.objects.filter(code="1.2").exists()


def test_the_preview_shows_every_field_read_from_each_row(client, secretariat, tmp_path):  # noqa: F811
    rows = small_rows(deadline="Quý I/2026", lead="Sở Tư Pháp", co="Sở Tài chính, Phòng Không Có")
    token = _token(_upload(client, write_xlsx(tmp_path / "a.xlsx", rows)))
    html = client.get(reverse("tasks:import_preview", args=[token])).content.decode()
    assert "Nội dung đọc được từ tệp, từng dòng" in html
    # The deadline as understood, beside the words written.
    assert "<strong>31/03/2026</strong>" in html and "“Quý I/2026”" in html
    assert "Thường xuyên (không có hạn)" in html
    # The units as matched: the registry's name, the file's spelling beside it; unknown ones said so.
    assert "Sở Tư pháp" in html and "(trong tệp: “Sở Tư Pháp”)" in html
    assert "“Phòng Không Có” — chưa có trong danh mục" in html
    # The KPI targets proposed, and the output.
    assert "tối thiểu 100%" in html
    assert "tối thiểu 1 (số lượng)" in html
    assert re.search(r"Sản phẩm:</span>\s*Báo cáo", html)
    assert "Mục I · NV 1" in html
