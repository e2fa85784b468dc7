"""Contributed datasets: read them, check them against the graph, merge them all or nothing.

    readers.read_contribution   one reader per format (csv_format, yaml_format, jsonld_format,
                                turtle_format, rdfxml_format), each fact located in the file
    check.check                 the gate: the graph around the contribution, the rules, the shapes
                                (run as SPARQL by the store: aivc/shapes_sparql.py)
    wording                     each SHACL result in the contributor's words, at its place in the file
    report                      text, JSON, and the W3C SHACL validation report (Turtle)
    merge.merge                 atomic merge into the store, with a PROV record of who merged what

The command line (``aivc validate FILE...``, ``aivc merge FILE...``) is in aivc/commands/contributions.py;
the formats are explained in CONTRIBUTING.md, with templates in contrib/templates/.
"""
