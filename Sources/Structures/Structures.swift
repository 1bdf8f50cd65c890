// Structures module — see README.md
