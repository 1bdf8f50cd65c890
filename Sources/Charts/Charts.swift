// Charts module — see README.md
