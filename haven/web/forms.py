"""Form helpers shared by the rooms' pages."""


def error_list(errors: dict, anchor=lambda field: field) -> list[dict]:
    """A GOV.UK error summary's rows from {field: message}, each linking to its field."""
    return [{"field": field, "anchor": anchor(field), "message": message}
            for field, message in errors.items()]
