"""Text from outside shown as text: company names, voucher and row texts, file names, Fortnox's and SIE files'
messages are data, never Markdown (an image in a company name would be fetched by every staff browser, a link
could pose as one of ours). Every page passes such text through `escape_markdown` before Streamlit renders it."""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_WHITESPACE = re.compile(r"\s+")


def escape_markdown(text: object) -> str:
    """`text` as Markdown that shows exactly its characters: every ASCII punctuation mark gets a backslash
    (CommonMark allows that escape for each of them, and it also stops Streamlit's `:color[…]`, `:icon:` and
    `$math$`), and runs of white space (line breaks too) become one space, so no heading, list, code block or
    paragraph can start inside it."""
    return _PUNCTUATION.sub(r"\\\1", _WHITESPACE.sub(" ", str(text)))
