from django import template

register = template.Library()


@register.filter
def humanise(value) -> str:
    """"risk_assessed" -> "Risk assessed"."""
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]
