#!/usr/bin/env python3
"""Render a hashsec report in real headless Chromium and check it.

usage: check_report.py REPORT.html MIN_SVG_COUNT

1. `chromium --headless --dump-dom` on a tiny wrapper page (written to a temp dir) that embeds the report in an
   <iframe>: the report itself is never modified. The dumped DOM of the report (loaded directly as well) must
   contain at least MIN_SVG_COUNT <svg> charts, a <table>, and no parser error marker.
2. `chromium --headless --screenshot --window-size=1280,2000` of the report; the PNG is decoded with zlib
   (no PIL) and must have a meaningful share of non-white pixels.
Exit 0 and print a one-line JSON summary on success; exit 2 when chromium is absent; exit 1 on failure.
"""
import json, os, re, shutil, struct, subprocess, sys, tempfile, zlib

def chromium():
    for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(n)
        if p:
            return p
    return None

def run(cmd, timeout=90):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, text=True)

def png_pixels(path):
    """Decode an 8-bit RGB/RGBA non-interlaced PNG; return (width, height, non_white, distinct_colours)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4]); typ = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, f"unsupported PNG {depth} {ctype} {interlace}"
            bpp = 3 if ctype == 2 else 4
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    non_white, colours, i = 0, set(), 0
    for _ in range(h):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
        for x in range(0, stride, bpp * 4):   # sample every 4th pixel
            px = bytes(line[x:x + 3])
            if px != b"\xff\xff\xff":
                non_white += 1
            if len(colours) < 64:
                colours.add(px)
        prev = line
    return w, h, non_white * 4, len(colours)

def main():
    if len(sys.argv) != 3:
        print(__doc__); return 1
    report, min_svg = os.path.abspath(sys.argv[1]), int(sys.argv[2])
    exe = chromium()
    if not exe:
        print("chromium not found"); return 2
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--allow-file-access-from-files"]
    tmp = tempfile.mkdtemp(prefix="check-report-")
    try:
        env_home = dict(os.environ, HOME=tmp)
        # The wrapper page: the report inside an iframe (we never inject anything into the report itself).
        wrapper = os.path.join(tmp, "wrapper.html")
        with open(wrapper, "w") as f:
            f.write('<!DOCTYPE html><html><body><iframe id="r" src="file://%s" width="1280" height="2000"></iframe></body></html>' % report)
        r = subprocess.run(base + ["--user-data-dir=" + tmp + "/p1", "--dump-dom", "file://" + wrapper],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=90, text=True, env=env_home)
        if r.returncode != 0 or '<iframe id="r"' not in r.stdout:
            print("wrapper did not load:", r.returncode, r.stderr[-2000:]); return 1
        r = subprocess.run(base + ["--user-data-dir=" + tmp + "/p2", "--dump-dom", "file://" + report],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=90, text=True, env=env_home)
        dom = r.stdout
        if r.returncode != 0 or "</html>" not in dom:
            print("report did not load:", r.returncode, r.stderr[-2000:]); return 1
        svgs = len(re.findall(r"<svg[\s>]", dom))
        errors = [m for m in ("parsererror", "This page contains the following errors", "ERR_FILE_NOT_FOUND") if m in dom]
        if svgs < min_svg or "<table" not in dom or errors:
            print(json.dumps({"svg": svgs, "min_svg": min_svg, "table": "<table" in dom, "errors": errors})); return 1
        shot = os.path.join(tmp, "shot.png")
        r = subprocess.run(base + ["--user-data-dir=" + tmp + "/p3", "--screenshot=" + shot, "--window-size=1280,2000",
                                   "file://" + report], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=90, text=True, env=env_home)
        if not os.path.exists(shot):
            print("no screenshot:", r.returncode, r.stderr[-2000:]); return 1
        w, h, non_white, colours = png_pixels(shot)
        frac = non_white / float(w * h)
        summary = {"svg": svgs, "width": w, "height": h, "non_white_fraction": round(frac, 4), "colours": colours}
        print(json.dumps(summary, sort_keys=True))
        return 0 if (w, h) == (1280, 2000) and frac > 0.05 and colours >= 8 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
