// LinearAlgebra module — see README.md
