"""The Times New Roman-compatible faces the report is set in, found on this machine.

Tinos (fonts-croscore) and Liberation Serif 2 (fonts-liberation2) share Times New Roman's
metrics and cover Vietnamese; the Makefile installs both. Each face is declared with
`local()` first (fontconfig) and the file itself as a fallback, so the PDF embeds the same
font wherever fontconfig is configured differently.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/croscore"),
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/local/share/fonts"),
)

# family → (weight, style) → (local name, file name)
FACES = {
    "Tinos": {
        ("normal", "normal"): ("Tinos", "Tinos-Regular.ttf"),
        ("bold", "normal"): ("Tinos Bold", "Tinos-Bold.ttf"),
        ("normal", "italic"): ("Tinos Italic", "Tinos-Italic.ttf"),
        ("bold", "italic"): ("Tinos Bold Italic", "Tinos-BoldItalic.ttf"),
    },
    "Liberation Serif": {
        ("normal", "normal"): ("Liberation Serif", "LiberationSerif-Regular.ttf"),
        ("bold", "normal"): ("Liberation Serif Bold", "LiberationSerif-Bold.ttf"),
        ("normal", "italic"): ("Liberation Serif Italic", "LiberationSerif-Italic.ttf"),
        ("bold", "italic"): ("Liberation Serif Bold Italic", "LiberationSerif-BoldItalic.ttf"),
    },
}


def _find(filename: str) -> Path | None:
    for d in FONT_DIRS:
        if (d / filename).is_file():
            return d / filename
    return None


@cache
def font_face_css() -> str:
    rules = []
    for family, faces in FACES.items():
        for (weight, style), (local_name, filename) in faces.items():
            path = _find(filename)
            sources = [f'local("{local_name}")']
            if path:
                sources.append(f'url("{path.as_uri()}") format("truetype")')
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
                f"src: {', '.join(sources)}; }}"
            )
    return "\n".join(rules)


def missing_fonts() -> list[str]:
    """File names of the faces not found here (empty when the report can be set as designed)."""
    return [f for faces in FACES.values() for _, f in faces.values() if _find(f) is None]
