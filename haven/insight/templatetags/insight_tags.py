from django import template

register = template.Library()


@register.filter
def pct(value, places=1):
    """A fraction as a percentage ("42.9%"); a dash when there is nothing to count."""
    if value is None:
        return "–"
    return f"{100 * value:.{int(places)}f}%"


@register.filter
def num(value, places=1):
    if value is None:
        return "–"
    return f"{value:.{int(places)}f}"


@register.filter
def label(value):
    return str(value).replace("_", " ").capitalize()


@register.filter
def kind_label(value):
    """An intervention kind ("order:dvpo") as the page names it."""
    # Loaded when a page names a kind: casework pulls in the store's query helpers.
    from haven.insight.casework import kind_label as label_of

    return label_of(str(value))
