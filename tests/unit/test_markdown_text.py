"""Client text passed through ui.text.escape_markdown renders as exactly that text, never as Markdown."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ui.text import escape_markdown

HOSTILE_NAME = "![x](http://127.0.0.1:9/pixel.png) [Logga in igen](http://127.0.0.1:9/)"


def _inline_tokens(markdown: str) -> list:
    """The inline tokens CommonMark makes of the text, as a paragraph of its own."""
    blocks = MarkdownIt("commonmark").parse(markdown)
    return [child for block in blocks if block.type == "inline" for child in block.children]


def _shown(markdown: str) -> str:
    return "".join(token.content for token in _inline_tokens(markdown))


def test_an_image_and_a_link_in_a_company_name_stay_text() -> None:
    tokens = _inline_tokens(escape_markdown(HOSTILE_NAME))
    assert {token.type for token in tokens} == {"text"}
    assert _shown(escape_markdown(HOSTILE_NAME)) == HOSTILE_NAME


def test_html_emphasis_and_streamlit_directives_stay_text() -> None:
    name = "<img src=x> **fet** :red[röd] :material/home: $x^2$ `kod` & Co"
    assert _shown(escape_markdown(name)) == name


def test_a_line_break_cannot_start_a_heading_or_a_list() -> None:
    assert _shown(escape_markdown("AB\n# Rubrik\n- punkt")) == "AB # Rubrik - punkt"
    assert [block.type for block in MarkdownIt("commonmark").parse(escape_markdown("\n    kod"))][0] == "paragraph_open"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x24F, blacklist_categories=("Cs",))))
def test_any_printable_text_is_shown_as_itself(text: str) -> None:
    assert _shown(escape_markdown(text)) == " ".join(text.split())
