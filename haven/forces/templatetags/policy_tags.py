"""Policy numbers in templates, so that no window or threshold is written into a page.

    {% load policy_tags %}
    Highest DASH grade ({% policy_period person.force_id "history_lookback_days" %})
    {% policy_value victim.force_id "stalking_screen_min_incidents" %} or more incidents

The force may be a Force or its id (no query for the force itself); reads come from the
request's policy snapshot (one query per force per request).
"""

from django import template

from haven.forces.policy import period_words, policy

register = template.Library()


@register.simple_tag
def policy_value(force, key):
    return policy(force, key)


@register.simple_tag
def policy_period(force, key):
    """A window in days as words: 365 -> "12 months", 180 -> "180 days"."""
    return period_words(policy(force, key))
