from django import template

from wijkverband.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str):
    """Sanitised Markdown (wijkverband.core.markdown: an nh3 allow-list)."""
    return render_markdown(text)
