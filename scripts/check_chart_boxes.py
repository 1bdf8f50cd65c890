#!/usr/bin/env python3
"""Measure every chart's title and legend boxes in real headless Chromium and check they do not overlap.

usage: check_chart_boxes.py REPORT.html [SCREENSHOT.png]

The report's inline <svg class="chart"> elements are copied (unchanged) into a wrapper page in a temp dir, with a
small script that measures, in each SVG's own user units, the rendered bounding box (getBBox) of the title
(<text class="ttl">) and of every element of its legend (<g class="legend">). `chromium --headless --dump-dom` runs
the script and returns the page with the measurements as JSON. The report itself is never modified and carries no
script. With SCREENSHOT.png, the wrapper page (the charts at 720 px, two per row) is also saved as a PNG to look at.
Exit 0 and print a JSON summary when no legend box intersects its title's box; 1 otherwise; 2 when chromium is absent.
"""
import html, json, os, re, shutil, subprocess, sys, tempfile

SCRIPT = r"""
<script>
window.addEventListener('load', function () {
  var out = [];
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var t = svg.querySelector('text.ttl');
    function box(e) { var b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; }
    var legend = [];
    svg.querySelectorAll('g.legend > *').forEach(function (e) { legend.push(box(e)); });
    out.push({title: t ? t.textContent : null, titleBox: t ? box(t) : null, legend: legend});
  });
  var pre = document.createElement('pre'); pre.id = 'boxes'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""

def chromium():
    for n in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        p = shutil.which(n)
        if p:
            return p
    return None

def intersects(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__); return 1
    report = os.path.abspath(sys.argv[1])
    exe = chromium()
    if not exe:
        print("chromium not found"); return 2
    svgs = re.findall(r'<svg class="chart".*?</svg>', open(report, encoding="utf-8").read(), flags=re.S)
    if not svgs:
        print(json.dumps({"charts": 0})); return 1
    tmp = tempfile.mkdtemp(prefix="check-boxes-")
    try:
        page = os.path.join(tmp, "charts.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0;background:#fff}'
                    'div.c{display:inline-block;width:720px;vertical-align:top}</style></head><body>')
            for s in svgs:
                f.write('<div class="c">' + s + '</div>')
            f.write(SCRIPT + '</body></html>')
        base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
        env = dict(os.environ, HOME=tmp)
        r = subprocess.run(base + ["--user-data-dir=" + tmp + "/p1", "--virtual-time-budget=5000", "--dump-dom", "file://" + page],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, text=True, env=env)
        m = re.search(r'<pre id="boxes">(.*?)</pre>', r.stdout, flags=re.S)
        if r.returncode != 0 or not m:
            print("no measurements:", r.returncode, r.stderr[-2000:]); return 1
        charts = json.loads(html.unescape(m.group(1)))
        overlaps = []
        for c in charts:
            for b in c["legend"]:
                if c["titleBox"] and intersects(b, c["titleBox"]):
                    overlaps.append({"title": c["title"], "title_box": c["titleBox"], "legend_box": b})
        if len(sys.argv) == 3:
            rows = (len(svgs) + 1) // 2
            subprocess.run(base + ["--user-data-dir=" + tmp + "/p2", "--screenshot=" + os.path.abspath(sys.argv[2]),
                                   "--window-size=1440,%d" % (rows * 345), "file://" + page],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, text=True, env=env)
        with_legend = sum(1 for c in charts if c["legend"])
        print(json.dumps({"charts": len(charts), "with_legend": with_legend, "overlaps": overlaps,
                          "titles": [c["title"] for c in charts if c["legend"]]}, sort_keys=True))
        return 0 if not overlaps and with_legend > 0 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
