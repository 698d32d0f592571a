"""certpath.sparql and `certpath query`: checking, safe parameters, formats, limits, errors."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from certpath.cli.main import cli
from certpath.graph import KnowledgeGraph, load
from certpath.namespaces import PREFIXES
from certpath.sparql import (
    ParamError,
    QueryRefused,
    QueryTimeout,
    QueryTruncated,
    bind,
    check_query,
    run_query,
)

EXPLODING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    return load()


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { cpd:a cpd:b cpd:c }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "CLEAR ALL",
        "drop all",
        "CREATE GRAPH <urn:x>",
        "ADD DEFAULT TO <urn:x>",
        "MOVE DEFAULT TO <urn:x>",
        "COPY DEFAULT TO <urn:x>",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { cpd:a cpd:b cpd:c }",
    ],
)
def test_updates_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused, match="updates are refused") as info:
        check_query(query, allow_service=True)
    assert info.value.update


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * WHERE { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/g.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "PREFIX ex: <http://example.org/#>\nSELECT * WHERE { SERVICE <http://127.0.0.1:9/> {} }",
    ],
)
def test_network_access_is_refused_unless_allowed(query: str) -> None:
    with pytest.raises(QueryRefused, match="--allow-service"):
        check_query(query)
    assert check_query(query, allow_service=True).form == "select"


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "INSERT DATA SERVICE" }',
        "SELECT * WHERE { ?s ?p <http://example.org/DROP/SERVICE> }",
        "SELECT * WHERE { ?s ?p ?o } # DELETE everything, SERVICE, FROM <http://x>",
        "SELECT ?service ?from WHERE { ?service cp:load ?from }",
        "SELECT * WHERE { ?s ?p '''multi\nline LOAD''' }",
    ],
)
def test_keywords_inside_strings_iris_comments_and_names_are_not_keywords(query: str) -> None:
    assert check_query(query).form == "select"


@settings(deadline=None)
@given(st.text(max_size=40))
def test_any_param_value_is_a_single_term(value: str) -> None:
    kg = load()
    rows = run_query(
        kg, "SELECT ?x WHERE { ?x ?p ?o }", {"o": ox.Literal(value)}, timeout=None
    ).rows
    if value in {"USD", "1000.0"}:
        return
    assert all(isinstance(row[0], ox.NamedNode) for row in rows)
    assert len(rows) <= 5


@pytest.mark.parametrize(
    "value",
    [
        'x" || "1" = "1',
        'x") } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #',
        "cpd:x> } UNION { ?s ?p ?o } #",
        "<http://x> } UNION { ?role ?p ?o } #",
    ],
)
def test_injection_in_params_matches_nothing(value: str) -> None:
    query = "SELECT ?c WHERE { ?role cp:requires ?c }"  # an ad-hoc query: a plain literal
    code, out, err = invoke("query", query, "--param", f"role={value}", "--format", "csv")
    assert (code, out, err) == (0, "c\n", "") or code == 2
    if code == 2:  # an <IRI> that is not one
        assert err.startswith("Error: parameter value") and err.count("\n") == 1
    # a named query's entity parameter: a name, resolved like every command's (and not found)
    code, out, err = invoke(
        "query", "role-competencies", "--param", f"role={value}", "--format", "csv"
    )
    assert (code, out) in ((4, ""), (2, "")) and err.count("\n") == 1
    assert err.startswith(("Error: no role named", "Error: parameter value"))


def test_param_kinds(kg: KnowledgeGraph) -> None:
    q = "SELECT ?o WHERE { ?s ?p ?o }"
    assert len(run_query(kg, q, {"s": "cpd:pspo-1", "p": "cp:cost"}, timeout=None)) == 1
    iri = PREFIXES["cpd"] + "pspo-1"
    assert len(run_query(kg, q, {"s": f"<{iri}>", "p": "cp:cost"}, timeout=None)) == 1
    assert len(run_query(kg, q, {"s": iri, "p": "cp:cost"}, timeout=None)) == 0  # a literal


def test_param_must_name_a_variable_of_the_query() -> None:
    code, _, err = invoke("query", "SELECT ?s WHERE { ?s a cp:Role }", "--param", "rol=cpd:x")
    assert (code, err) == (2, "Error: --param rol: the query has no variable ?rol\n")
    code, _, err = invoke("query", "SELECT ?s WHERE { ?s a cp:Role }", "--param", "oops")
    assert (code, err) == (2, "Error: --param oops: use NAME=VALUE, e.g. role=cpd:product-owner\n")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (  # every group that uses the variable, including a sub-select's WHERE group
            "SELECT ?n WHERE { { SELECT ?p (COUNT(*) AS ?n) WHERE { ?p a ?t } GROUP BY ?p } "
            "OPTIONAL { ?p ?q ?t } FILTER NOT EXISTS { ?t a ?p } }",
            "SELECT ?n WHERE {@ { SELECT ?p (COUNT(*) AS ?n) WHERE {@ ?p a ?t } GROUP BY ?p } "
            "OPTIONAL {@ ?p ?q ?t } FILTER NOT EXISTS {@ ?t a ?p } }",
        ),
        (  # groups without the variable are left alone; so is a VALUES data block
            "SELECT * WHERE { { ?s ?p ?o } UNION { ?s ?p ?t } VALUES ?o { 1 2 } }",
            "SELECT * WHERE {@ { ?s ?p ?o } UNION {@ ?s ?p ?t } VALUES ?o { 1 2 } }",
        ),
        (  # a CONSTRUCT template is not a group
            "CONSTRUCT { ?s ?p ?t } WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?t } }",
            "CONSTRUCT { ?s ?p ?t } WHERE {@ ?s ?p ?o OPTIONAL {@ ?o ?q ?t } }",
        ),
        ("ASK { ?s ?p ?t }", "ASK {@ ?s ?p ?t }"),
        (  # a WHERE group that is just a sub-select: nested, so the block has a place
            "SELECT ?t ?s WHERE { SELECT ?s WHERE { ?s a cp:Role } LIMIT 2 }",
            "SELECT ?t ?s WHERE {@ { SELECT ?s WHERE { ?s a cp:Role } LIMIT 2 } }",
        ),
        (  # an EXISTS in the select list is not the outer group
            "SELECT ?s (EXISTS { ?s ?p ?t } AS ?b) WHERE { ?s a cp:Role }",
            "SELECT ?s (EXISTS {@ ?s ?p ?t } AS ?b) WHERE {@ ?s a cp:Role }",
        ),
        (  # a sub-select that uses the variable in its select list only
            "SELECT * { { SELECT ?s (STR(?t) AS ?u) WHERE { ?s a cp:Role } } }",
            "SELECT * {@ { SELECT ?s (STR(?t) AS ?u) WHERE {@ ?s a cp:Role } } }",
        ),
        (  # SERVICE groups are the remote endpoint's business
            "SELECT * { ?s ?p ?t SERVICE <http://x/> { ?t ?q ?r OPTIONAL { ?t ?z ?w } } }",
            "SELECT * {@ ?s ?p ?t SERVICE <http://x/> { ?t ?q ?r OPTIONAL { ?t ?z ?w } } }",
        ),
        (  # CONSTRUCT without the WHERE keyword
            "CONSTRUCT { ?s ?p ?t } { ?s ?p ?t }",
            "CONSTRUCT { ?s ?p ?t } {@ ?s ?p ?t }",
        ),
    ],
)
def test_params_bind_in_every_group_that_uses_them(query: str, expected: str) -> None:
    block = ' VALUES (?t) { ("x") }'
    checked = check_query(query, allow_service=True)
    assert bind(checked, {"t": ox.Literal("x")}) == expected.replace("@", block)


def test_param_bound_around_a_whole_sub_select(kg: KnowledgeGraph) -> None:
    q = "SELECT ?x ?s WHERE { SELECT ?s WHERE { ?s a cp:Role } ORDER BY ?s LIMIT 2 }"
    rows = run_query(kg, q, {"x": "cpd:scrum-master"}, timeout=None).plain_rows()
    assert [r["x"] for r in rows] == [PREFIXES["cpd"] + "scrum-master"] * 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT ?s WHERE { ?s cp:requires ?c } GROUP BY ?s HAVING (COUNT(?c) >= ?t)",
            "--param t: ?t is used in HAVING, where grouping hides a bound value; filter before "
            "grouping instead",
        ),
        ("DESCRIBE ?t", "the query has no group pattern to bind parameters in"),
        ("CONSTRUCT WHERE { ?s ?p ?t }", "the query has no group pattern to bind parameters in"),
    ],
)
def test_params_that_cannot_be_bound_are_refused(query: str, message: str) -> None:
    with pytest.raises(ParamError) as caught:
        bind(check_query(query), {"t": ox.Literal("2")})
    assert str(caught.value) == message


def test_a_curie_that_is_no_iri_is_a_param_error() -> None:
    code, _, err = invoke("query", "SELECT ?s { ?s ?p ?o }", "--param", "o=cpd:a%zz")
    assert code == 2 and err.startswith("Error: parameter value cpd:a%zz: not a valid IRI")


def test_param_binding_is_substitution(kg: KnowledgeGraph) -> None:
    # SEP-0007: the value is seen inside OPTIONAL too, not only joined at the end.
    q = "SELECT ?r ?l WHERE { ?r a cp:Role OPTIONAL { ?r skos:prefLabel ?l FILTER(?l = ?want) } }"
    rows = run_query(kg, q, {"want": ox.Literal("Product Owner", language="en")}, timeout=None)
    labelled = [row for row in rows.rows if row[1] is not None]
    assert len(rows) == 12 and len(labelled) == 1


def test_a_param_the_query_assigns_is_refused() -> None:
    code, _, err = invoke(
        "query", "SELECT ?x WHERE { ?s ?p ?o BIND(?o AS ?x) }", "--param", "x=cpd:a"
    )
    assert code == 2
    assert (
        err
        == "Error: --param x: the query assigns ?x itself (AS ?x), so it cannot be a parameter\n"
    )


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_results_formats_are_the_engines_byte_for_byte(kg: KnowledgeGraph, fmt: str) -> None:
    query = (
        "SELECT ?o ?label ?cost ?missing WHERE { ?o cp:cost ?cost ; skos:prefLabel ?label "
        "OPTIONAL { ?o cp:nothing ?missing } } ORDER BY ?o"
    )
    ours = run_query(kg, query).serialize(fmt)
    engine = kg.store.query(query, prefixes=dict(PREFIXES))
    assert isinstance(engine, ox.QuerySolutions)
    expected = engine.serialize(format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert ours == expected
    code, out, _ = invoke("query", query, "--format", fmt)
    assert code == 0
    # The CLI ends JSON with a newline (the engine's JSON has none); the other formats are as is.
    newline = "\n" if fmt == "json" else ""
    assert out.replace("\n", "\r\n" if fmt == "csv" else "\n") == expected.decode() + newline


def test_table_and_ask_and_construct_exact_output() -> None:
    code, out, _ = invoke(
        "query", "role-competencies", "--param", "role=cpd:scrum-master", "--format", "table"
    )
    assert code == 0
    assert out == (
        "role              competency                  label                   need         level\n"
        "----------------  --------------------------  ----------------------  -----------  -----\n"
        "cpd:scrum-master  cpd:scrum-fundamentals      Scrum fundamentals      essential    3\n"
        "cpd:scrum-master  cpd:facilitation            Facilitation            essential    2\n"
        "cpd:scrum-master  cpd:impediment-removal      Impediment removal      essential    2\n"
        "cpd:scrum-master  cpd:team-coaching           Team coaching           essential    2\n"
        "cpd:scrum-master  cpd:backlog-refinement      Backlog refinement      recommended  2\n"
        "cpd:scrum-master  cpd:sprint-review-learning  Sprint Review learning  recommended  2\n"
        "(6 rows)\n"
    )
    assert invoke("query", "ASK { cpd:cspo a cp:Certification }") == (
        0,
        '{"head":{},"boolean":true}\n',  # the engine's bytes, then a newline for the terminal
        "",
    )
    code, out, _ = invoke(
        "query", "CONSTRUCT { cpd:cspo cp:cost ?c } WHERE { cpd:cspo cp:cost ?c }"
    )
    assert code == 0
    assert out.endswith('cpd:cspo cp:cost "1000"^^xsd:decimal .\n')
    code, out, _ = invoke("query", "DESCRIBE cpd:scrum-org", "--format", "jsonld")
    assert code == 0 and out.startswith('[{"@id":"https://w3id.org/certpath/data/scrum-org"')


def test_query_from_file_and_stdin(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "q.rq"
    path.write_text("# comment\nASK { ?r a cp:Role }\n", encoding="utf-8")
    assert invoke("query", "-f", str(path))[1] == '{"head":{},"boolean":true}\n'
    assert invoke("query", "-f", "-", input="ASK { cpd:nope a cp:Role }")[1] == (
        '{"head":{},"boolean":false}\n'
    )
    code, _, err = invoke("query", "-f", str(tmp_path / "missing.rq"))
    assert code == 2 and err.startswith("Error: ") and "missing.rq: cannot read" in err


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "SELECT * WHERE { ?s ?p ?o } LIMT 3",
            "Error: syntax error at line 1, column 29: unexpected 'LIMT' (",
        ),
        (
            "SELECT * WHERE {\n  ?s ?p ?o\n  ?s ?p ?o }",
            "Error: syntax error at line 3, column 3: unexpected '?s'",
        ),
        (
            "SELECT * WHERE { ?s foo:p ?o }",
            "Error: syntax error at line 1, column 21: unexpected 'foo:p' (unknown prefix 'foo:')",
        ),
    ],
)
def test_syntax_error_names_line_column_and_token(query: str, message: str) -> None:
    code, out, err = invoke("query", query)
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_refused_query_cli() -> None:
    assert invoke("query", "DROP ALL") == (
        2,
        "",
        "Error: updates are refused: the graph is read-only (found DROP)\n",
    )
    code, _, err = invoke("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert code == 2 and "SERVICE is refused" in err


def test_timeout_really_stops_the_query(kg: KnowledgeGraph) -> None:
    start = time.monotonic()
    with pytest.raises(QueryTimeout, match=r"timed out after 0.5 s"):
        run_query(kg, EXPLODING, timeout=0.5)
    assert time.monotonic() - start < 3
    assert invoke("query", EXPLODING, "--timeout", "0.5") == (
        5,
        "",
        "Error: timed out after 0.5 s\n",
    )


def test_row_cap_stops_with_nothing_on_stdout(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryTruncated):
        run_query(kg, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", limit=100)
    assert invoke("query", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "--limit", "100") == (
        5,
        "",
        "Error: truncated at 100 rows\n",
    )
    assert len(run_query(kg, "SELECT * WHERE { ?a ?b ?c } LIMIT 100", limit=100)) == 100


def test_format_must_fit_the_query_form() -> None:
    code, _, err = invoke("query", "ASK { ?s ?p ?o }", "--format", "turtle")
    assert code == 2
    assert (
        err == "Error: --format turtle does not fit an ASK query; "
        "use one of table, csv, tsv, json, xml\n"
    )


def test_query_needs_exactly_one_source() -> None:
    code, _, err = invoke("query")
    assert code == 2 and "exactly one" in err
