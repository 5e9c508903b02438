"""The OpenAPI schema says what every operation can answer besides its success (issue 18
item 7: schemathesis checks that no status goes undocumented). `haven.core.api.Router` gives
every viewset it registers this schema class unless the viewset names its own."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}},
          "required": ["detail"]}
# A 400 names each field (or `field.sub`, `involvements.0.person`) with its messages; DRF's
# own parse errors say {"detail": ...}. Both are objects.
FIELD_ERRORS = {"type": "object", "additionalProperties": True,
                "example": {"checklist.weapons": ["Answer this question, or record why it "
                                                  "could not be asked."]}}
ERRORS = {
    "400": ("The request's fields or parameters are wrong: each field at fault with its "
            "messages.", FIELD_ERRORS),
    "403": ("Not signed in with a second factor, and no token of an enrolled user.", DETAIL),
    "404": ("Not found: no such record, or one you may not see (the same answer), or an "
            "action your role may not take.", DETAIL),
}


KEY_MISUSED = ("The Idempotency-Key was already used for a different request.", DETAIL)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="A new unique text (e.g. a UUID) per submission, the same on every retry of "
    "it: a retry gets the first answer again (header Idempotent-Replayed: true) and nothing "
    "is done twice.")


class ErrorsDocumented(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS, **({"422": KEY_MISUSED} if self.method == "POST" else {}))
        for code, (description, schema) in errors.items():
            responses.setdefault(code, {"description": description,
                                        "content": {"application/json": {"schema": schema}}})
        return responses
