"""The verifier pages under /ui: server-rendered HTML in Bahasa Indonesia, plain forms, no JS."""
