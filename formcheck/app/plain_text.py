"""Text from people (client names, file names) shown inside Streamlit's Markdown messages as text, never as Markdown
or HTML: a client called ``![x](http://example.com/a.png)`` would otherwise make the browser fetch that image."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all also covers Streamlit's
# own syntax (":red[...]", ":material/...:", "$...$").
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """``text`` as literal characters in a Markdown string (newlines become spaces: a name is one line)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.splitlines()))
