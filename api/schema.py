"""The answers every endpoint may give besides its data, described once for the whole schema."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    "400": OpenApiResponse(
        response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        description="Bộ lọc không đọc được (tên bộ lọc → lý do).",
    ),
    "401": OpenApiResponse(
        ErrorSerializer, description="Thiếu mã truy cập, mã sai, đã thu hồi hoặc hết hạn."
    ),
    "404": OpenApiResponse(
        ErrorSerializer, description="Không có, hoặc nằm ngoài phạm vi của hệ thống kết nối (như nhau)."
    ),
    "429": OpenApiResponse(ErrorSerializer, description="Vượt số yêu cầu cho phép mỗi phút."),
}


class ClientApiSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for code, response in ERRORS.items():
            if code not in bodies:
                bodies[code] = self._get_response_for_code(response, code, direction=direction)
        return bodies


ID_PARAMETERS = {"id", "pk", "plan", "period", "unit", "target"}


def ids_are_positive(result, generator, request, public):
    """Ids, in the path or as filters, are whole numbers from 1 (the API answers 400 or 404 otherwise)."""
    from .filters import LARGEST_ID, YEARS

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter["name"] in ID_PARAMETERS and schema.get("type") == "integer":
                    schema.update(minimum=1, maximum=LARGEST_ID)
                if parameter["name"] == "year" and schema.get("type") == "integer":
                    schema.update(minimum=YEARS[0], maximum=YEARS[1])
    return result
