// Benchmark module — see README.md
