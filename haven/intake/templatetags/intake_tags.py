from django import template

register = template.Library()


@register.filter
def humanise(value) -> str:
    """"risk_assessed" -> "Risk assessed"."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def field(data, name) -> str:
    """What was typed into `name` on the form just refused (so it is not lost)."""
    if not data:
        return ""
    return data.get(name, "")


@register.filter
def error_for(errors, anchor) -> str:
    """The message of the error (from an error_list) that points at `anchor`, or ""."""
    return next((e["message"] for e in errors or [] if e.get("anchor") == anchor), "")
