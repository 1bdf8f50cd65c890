#!/usr/bin/env python3
"""Validate a notebook export: nbformat.validate (nbformat 4) and every CSV path it references exists.

usage: check_notebook.py NOTEBOOK.ipynb
Paths are resolved like the notebook does: RUN (the first code cell's `RUN = "..."`) relative to the notebook's folder.
Exit 0 with a JSON summary; 2 when the nbformat package is absent; 1 on failure.
"""
import json, os, re, sys

def main():
    try:
        import nbformat
    except ImportError:
        print("nbformat not installed"); return 2
    path = sys.argv[1]
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    if nb.nbformat != 4 or nb.metadata.kernelspec.name != "python3":
        print("not nbformat 4 / python3"); return 1
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    m = re.search(r'^RUN = "([^"]*)"', code, re.M)
    if not m:
        print("no RUN path"); return 1
    run = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), m.group(1)))
    refs = re.findall(r'RUN \+ "([^"]+)"', code)
    missing = [r for r in refs if not os.path.exists(run + r)]
    compile(code, path, "exec")          # the code is valid Python
    print(json.dumps({"cells": len(nb.cells), "references": len(refs), "missing": missing}, sort_keys=True))
    return 1 if missing or not refs else 0

if __name__ == "__main__":
    sys.exit(main())
