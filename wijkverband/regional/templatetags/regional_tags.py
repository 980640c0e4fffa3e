from django import template

from wijkverband.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str, top_heading: int):
    """Sanitised Markdown (wijkverband.core.markdown: an nh3 allow-list), its headings from h<top_heading>
    down: `{{ text|markdown:3 }}` under a section's h2. The level is required, so a template that
    leaves it out does not compile instead of showing "# Kop" as a second h1 of the page."""
    return render_markdown(text, top_heading=int(top_heading))
