"""``{{ phone|tel_link }}``: a phone number a resident can tap to call.

Safe to pass into ``{% blocktranslate with phone=city.phone|tel_link %}``: the
sentence keeps its msgid and only the number becomes a link.
"""

import re

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def tel_link(phone: str) -> str:
    """``0475-23-2111`` → ``<a href="tel:0475-23-2111">0475-23-2111</a>`` (digits, + and -
    only in the address); an empty number stays empty."""
    if not phone:
        return ""
    target = re.sub(r"[^0-9+\-]", "", str(phone))
    return format_html('<a href="tel:{}" class="tel">{}</a>', target, phone)
