// Calibrate module — see README.md
