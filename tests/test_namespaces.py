"""The namespace module and the ontology must define the same terms."""

from __future__ import annotations

import pyoxigraph as ox

from certpath import __version__
from certpath.graph import ontology_files
from certpath.namespaces import CP, CP_NS, ONTOLOGY_IRI, PREFIXES, curie, expand_curie

OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _ontology() -> ox.Store:
    store = ox.Store()
    for path in ontology_files():
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def _declared_terms(store: ox.Store) -> set[str]:
    return {
        q.subject.value
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(CP_NS)
    }


def test_namespace_module_and_ontology_agree() -> None:
    module_terms = {v for k, v in vars(CP).items() if not k.startswith("_")}
    assert module_terms == _declared_terms(_ontology())


def test_every_vocabulary_term_has_label_and_comment() -> None:
    store = _ontology()
    for term in _declared_terms(store):
        for prop in ("label", "comment"):
            iri = ox.NamedNode(f"http://www.w3.org/2000/01/rdf-schema#{prop}")
            assert list(store.quads_for_pattern(ox.NamedNode(term), iri, None)), (term, prop)


def test_properties_have_domain_and_range() -> None:
    store = _ontology()
    rdfs = "http://www.w3.org/2000/01/rdf-schema#"
    for kind in ("ObjectProperty", "DatatypeProperty"):
        for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(OWL + kind)):
            for prop in ("domain", "range"):
                found = store.quads_for_pattern(quad.subject, ox.NamedNode(rdfs + prop), None)
                assert list(found), (quad.subject, prop)


def test_ontology_version_matches_package() -> None:
    store = _ontology()
    info = list(
        store.quads_for_pattern(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(OWL + "versionInfo"), None)
    )
    assert [q.object.value for q in info] == [__version__]
    version_iri = list(
        store.quads_for_pattern(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(OWL + "versionIRI"), None)
    )
    assert [q.object.value for q in version_iri] == [f"{ONTOLOGY_IRI}/{__version__}"]


def test_misspelt_term_is_an_error() -> None:
    assert not hasattr(CP, "requirez")


def test_curie_round_trip() -> None:
    for prefix in PREFIXES:
        iri = PREFIXES[prefix] + "x-1"
        assert expand_curie(curie(iri)) == iri
