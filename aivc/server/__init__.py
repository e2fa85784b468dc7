"""aivc's read-only SPARQL endpoint: protocol and editor (app), query workers (pool, worker),
content negotiation (formats) and what a query may do (guard)."""
