// Report module — see README.md
