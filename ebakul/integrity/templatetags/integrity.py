"""``{% load integrity %}{% integrity_signals purchase %}``: the purchase's risk and its reasons,
a small panel for the review workbench (issue 15). One query (the reasons with their related
purchases)."""

from django import template

from ebakul.integrity.selectors import risk_panel

register = template.Library()


@register.inclusion_tag("integrity/_signals_panel.html")
def integrity_signals(purchase):
    return risk_panel(purchase)
