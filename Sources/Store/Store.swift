// Store module — see README.md
