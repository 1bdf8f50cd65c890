// Ingest module — see README.md
