"""Links from aivc's resources to external open data: Wikidata items (``wikidata``), through a polite,
cached SPARQL client (``client``), written into the live store as their own named graph (``graph``)."""
