"""Sources of the bundled data: no denylisted domain, vendor pages first, cp:sourceKind truthful.

The denylist is ``data/source-denylist.txt``; the provider -> vendor-domain map is
``data/vendor-domains.yaml`` (both documented in data/README.md).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from certpath.graph import KnowledgeGraph
from certpath.namespaces import CP, CPD_NS, DCTERMS_MODIFIED, DCTERMS_SOURCE, RDF_TYPE

DATA = Path(__file__).resolve().parents[1] / "data"
OFFER_CLASSES = {CP.LearningOpportunity, CP.Certification, CP.Course}
KINDS = {"vendor", "third-party", "mixed"}


def denylist() -> set[str]:
    lines = (DATA / "source-denylist.txt").read_text(encoding="utf-8").splitlines()
    return {line.split("#", 1)[0].strip().lower() for line in lines} - {""}


def vendor_domains() -> dict[str, list[str]]:
    raw = yaml.safe_load((DATA / "vendor-domains.yaml").read_text(encoding="utf-8"))
    return {CPD_NS + provider: [d.lower() for d in domains] for provider, domains in raw.items()}


def on(host: str, domains: list[str] | set[str]) -> bool:
    """Whether *host* is one of *domains* or a subdomain of one.

    >>> on("support.scrum.org", ["scrum.org"]), on("notscrum.org", ["scrum.org"])
    (True, False)
    """
    return any(host == d or host.endswith("." + d) for d in domains)


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@pytest.fixture(scope="module")
def sources(bundled: KnowledgeGraph) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for subject, url in bundled.pairs(DCTERMS_SOURCE):
        found[subject].append(url)
    return found


@pytest.fixture(scope="module")
def offers(bundled: KnowledgeGraph) -> dict[str, str]:
    """Offer IRI -> provider IRI."""
    typed = {s for s, o in bundled.pairs(RDF_TYPE) if o in OFFER_CLASSES}
    return {s: p for s, p in bundled.pairs(CP.offeredBy) if s in typed}


def kind_of(bundled: KnowledgeGraph, iri: str) -> list[str]:
    return [t.value for t in bundled.objects(iri, CP.sourceKind)]


def test_denylist_and_vendor_map_are_well_formed() -> None:
    banned = denylist()
    assert {"winenfood.com", "visualfoodie.com", "eatsip365.com", "info.5y1.org"} <= banned
    assert {"happyer.webflow.io", "examice.com", "corebts.com"} <= banned
    assert all("." in d and "/" not in d and " " not in d for d in banned)
    vendors = vendor_domains()
    assert not any(on(d, banned) for domains in vendors.values() for d in domains)


def test_no_source_on_a_denylisted_domain(sources: dict[str, list[str]]) -> None:
    banned = denylist()
    bad = sorted(
        f"{subject} cites {url}"
        for subject, urls in sources.items()
        for url in urls
        if on(host(url), banned)
    )
    assert not bad, "\n".join(bad)


def test_every_source_is_a_web_address(sources: dict[str, list[str]]) -> None:
    bad = sorted(
        f"{s}: {u}"
        for s, urls in sources.items()
        for u in urls
        if urlsplit(u).scheme not in {"http", "https"} or not host(u)
    )
    assert not bad, "\n".join(bad)


def test_every_provider_has_vendor_domains(bundled: KnowledgeGraph) -> None:
    providers = {s for s, o in bundled.pairs(RDF_TYPE) if o == CP.Provider}
    assert providers and providers <= set(vendor_domains())


def test_every_offer_has_a_vendor_source_unless_marked_third_party(
    bundled: KnowledgeGraph, sources: dict[str, list[str]], offers: dict[str, str]
) -> None:
    vendors = vendor_domains()
    problems = []
    for offer, provider in sorted(offers.items()):
        kinds = kind_of(bundled, offer)
        own = [u for u in sources.get(offer, []) if on(host(u), vendors[provider])]
        other = [u for u in sources.get(offer, []) if not on(host(u), vendors[provider])]
        if len(kinds) != 1 or kinds[0] not in KINDS:
            problems.append(f"{offer}: cp:sourceKind {kinds} (want one of {sorted(KINDS)})")
            continue
        expected = {(True, False): "vendor", (True, True): "mixed", (False, True): "third-party"}
        actual = expected.get((bool(own), bool(other)), "none")
        if actual != kinds[0]:
            problems.append(f"{offer}: cp:sourceKind {kinds[0]!r} but its sources are {actual}")
    assert offers and not problems, "\n".join(problems)


def test_every_sourced_entity_says_when_it_was_checked(
    bundled: KnowledgeGraph, sources: dict[str, list[str]]
) -> None:
    ours = [s for s in sources if s.startswith(CPD_NS)]
    dates = {s: [t.value for t in bundled.objects(s, DCTERMS_MODIFIED)] for s in ours}
    wrong = sorted(f"{s}: {d}" for s, d in dates.items() if d != ["2026-12-01"])
    assert ours and not wrong, "\n".join(wrong)


def test_data_readme_lists_every_offer_with_its_hours_and_cost(
    bundled: KnowledgeGraph, offers: dict[str, str]
) -> None:
    rows = {}
    for line in (DATA / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 11 and cells[0].startswith("`") and cells[3].replace(".", "").isdigit():
            rows[CPD_NS + cells[0].strip("`")] = cells
    assert set(rows) == set(offers)
    for offer, cells in rows.items():
        hours = float(bundled.objects(offer, CP.durationHours)[0].value)
        cost = float(bundled.objects(offer, CP.cost)[0].value)
        currency = bundled.objects(offer, CP.currency)[0].value
        assert cells[3] == f"{hours:g}", offer
        assert cells[4] == f"{cost:,.0f} {currency}", offer
