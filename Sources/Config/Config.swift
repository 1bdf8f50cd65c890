// Config module — see README.md
