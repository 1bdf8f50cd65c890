// Bitcoin module — see README.md
