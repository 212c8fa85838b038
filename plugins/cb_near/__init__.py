"""cb_near: "near me" on the home page and the apartments index (docs/near.md).

At build time it writes ``near/places.js``, the gazetteer (clearbuild.gazetteer) of districts,
neighbourhoods and the road names in the data's addresses, in Korean and romanised; the file
registers itself (``window.CB_NEAR_PLACES``) so it loads from file:// like the search shards.
Pages include ``cb_near_box.html``; ``static/js/near.js`` loads the file when it is first needed,
sorts the list by distance from the chosen place (or the device's location, over https), hides
what is farther than the chosen radius and narrows the map to match. ``?near=<place>`` (and
``&r=<metres>``) opens a page with that place chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from clearbuild import buildcontext, gazetteer, places, safeio

FILE = "near/places.js"


def source(entries: list[dict[str, Any]]) -> str:
    return f"window.CB_NEAR_PLACES={safeio.script_json(gazetteer.payload(entries))};\n"


class NearGenerator(Generator):
    def generate_context(self) -> None:
        ds = buildcontext.of(self.context).dataset
        self._text = None
        if ds is None:
            return
        records = ds.records("projects") + ds.records("apartments")
        entries = gazetteer.build(records, places.districts(self.settings),
                                  places.neighbourhoods(self.settings))
        self._text = source(entries)

    def generate_output(self, writer: Any) -> None:
        if self._text is not None:
            safeio.write_if_changed(Path(self.output_path) / FILE, self._text)


def get_generators(pelican: Any) -> type[Generator]:
    return NearGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
