// Simulate module — see README.md
