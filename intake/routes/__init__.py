"""HTTP routes, one module per resource; each only parses, calls one function and answers."""
