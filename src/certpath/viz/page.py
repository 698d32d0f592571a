"""The page around a picture: certpath's template, vis-network inlined, a strict CSP.

pyvis assembles the vis-network nodes and edges; the page itself comes from certpath's own template
(pyvis' template links Bootstrap from a CDN, does not escape its heading, and switches tooltips to
``innerHTML`` when a title contains ``href``). The page carries vis-network's script and style
inline, its data as a JSON block, and a Content-Security-Policy that allows only those scripts (by
hash) and no request at all. pyvis (which imports IPython, ~160 ms) is imported only here, and
only when a page is rendered.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from certpath import __version__
from certpath.errors import OutputError
from certpath.viz.styles import relations

#: The vis-network release bundled with pyvis, inlined into every page.
VIS_VERSION = "9.1.2"


@dataclass(frozen=True)
class Picture:
    """A rendered page and what it shows.

    Attributes
    ----------
    html : str
        The whole page, self-contained.
    title : str
        What the picture shows (the page heading, as plain text).
    nodes, edges : int
        How many nodes and edges vis-network draws.
    physics : bool
        False when the picture is above :data:`certpath.viz.PHYSICS_LIMIT` nodes (or a plan at
        fixed positions).
    """

    html: str
    title: str
    nodes: int
    edges: int
    physics: bool

    def write(self, path: str | os.PathLike[str], *, force: bool = False) -> Path:
        """Write the page atomically to *path* (see :func:`certpath.viz.write_html`)."""
        from certpath.viz.writing import write_html

        return write_html(self.html, path, force=force)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="certpath {{ version }}, pyvis, vis-network {{ vis_version }}">
<title>{{ title }}</title>
<style>{{ vis_css }}</style>
<style>{{ page_css }}</style>
</head>
<body>
<header>
<h1 id="title">{{ title }}</h1>
<p id="subtitle">{{ subtitle }}</p>
</header>
<main>
<div id="mynetwork" role="img" aria-label="{{ title }}"></div>
<aside id="legend" aria-label="Legend">
<h2>Legend</h2>
<ul class="nodes">
{%- for item in legend %}
<li data-kind="{{ item.kind }}"><svg width="18" height="18" viewBox="0 0 18 18" \
fill="{{ item.fill }}" stroke="{{ item.border }}" stroke-width="{{ item.stroke }}" \
{% if item.dashed %}stroke-dasharray="3 2" {% endif %}aria-hidden="true">{{ item.svg }}</svg>
<span>{{ item.name }}</span>{% if item.count is not none %} <small>({{ item.count }})</small>\
{% endif %}</li>
{%- endfor %}
</ul>
<ul class="edges">
{%- for item in relations %}
<li data-relation="{{ item.relation }}"><svg width="30" height="10" aria-hidden="true">\
<line x1="1" y1="5" x2="29" y2="5" stroke="{{ item.colour }}" stroke-width="2" \
{% if item.dashed %}stroke-dasharray="5 3" {% endif %}/></svg> <span>{{ item.text }}</span></li>
{%- endfor %}
</ul>
{% for note in notes %}<p class="note">{{ note }}</p>
{% endfor -%}
<p class="note">Hover a node for details; drag to move, scroll to zoom.</p>
</aside>
</main>
<script>{{ vis_js }}</script>
<script id="certpath-data" type="application/json">{{ data|tojson }}</script>
<script>{{ boot_js }}</script>
</body>
</html>
"""

PAGE_CSS = """
body { margin: 0; font-family: sans-serif; color: #222; background: #fff; }
header { padding: 8px 16px; border-bottom: 1px solid #ddd; }
h1 { font-size: 1.25rem; margin: 0; }
#subtitle { margin: 2px 0 0; color: #555; font-size: 0.9rem; }
main { display: flex; height: calc(100vh - 70px); min-height: 400px; }
#mynetwork { flex: 1; border-right: 1px solid #ddd; background: #fff; }
#legend { width: 240px; padding: 8px 12px; overflow-y: auto; font-size: 0.85rem; }
#legend h2 { font-size: 1rem; margin: 4px 0 8px; }
#legend ul { list-style: none; padding: 0; margin: 0 0 12px; }
#legend li { display: flex; align-items: center; gap: 6px; margin: 3px 0; }
#legend .note { color: #555; }
div.vis-tooltip { white-space: pre-line; max-width: 420px; font-family: sans-serif;
  font-size: 12px; line-height: 1.35; }
"""

BOOT_JS = """
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("certpath-data").textContent);
  var data = {nodes: new vis.DataSet(payload.nodes), edges: new vis.DataSet(payload.edges)};
  var network = new vis.Network(document.getElementById("mynetwork"), data, payload.options);
  function ready() { document.body.setAttribute("data-ready", "true"); }
  if (payload.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: {enabled: false}});
      network.fit();
      network.once("afterDrawing", ready);
    });
  } else {
    network.once("afterDrawing", ready);
  }
  window.network = network;
})();
"""


@functools.lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's script and style as bundled with pyvis (also served by ``certpath serve``)."""
    import pyvis

    folder = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover - upstream check
        raise OutputError("vis-network's bundled script cannot be inlined safely")
    return js, css


def script_hash(script: str) -> str:
    """The CSP source expression that allows exactly *script*.

    >>> script_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def picture_csp() -> str:
    """The Content-Security-Policy of every picture: its two scripts by hash, no request at all.

    >>> picture_csp().startswith("default-src 'none'; script-src 'sha256-")
    True
    """
    js, _ = vis_assets()
    return (
        "default-src 'none'; script-src "
        + " ".join((script_hash(js), script_hash(BOOT_JS)))
        + "; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
        "form-action 'none'; base-uri 'none'"
    )


def render_page(
    *,
    title: str,
    subtitle: str,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    options: dict[str, Any],
    legend: Any,
    notes: list[str],
) -> str:
    """Assemble the nodes and edges with pyvis and render certpath's page around them."""
    from jinja2 import Environment
    from markupsafe import Markup
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    for node in nodes:
        attrs = dict(node)
        net.add_node(attrs.pop("id"), **attrs)
    for edge in edges:
        attrs = dict(edge)
        net.add_edge(attrs.pop("from"), attrs.pop("to"), **attrs)
    js, css = vis_assets()
    env = Environment(autoescape=True, keep_trailing_newline=True)
    return env.from_string(PAGE).render(
        csp=picture_csp(),
        version=__version__,
        vis_version=VIS_VERSION,
        title=title,
        subtitle=subtitle,
        vis_css=Markup(css),
        page_css=Markup(PAGE_CSS),
        vis_js=Markup(js),
        boot_js=Markup(BOOT_JS),
        legend=legend,
        relations=relations(net.edges),
        notes=notes,
        data={"nodes": net.nodes, "edges": net.edges, "options": options},
    )
