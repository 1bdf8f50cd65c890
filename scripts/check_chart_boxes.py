#!/usr/bin/env python3
"""Measure a report's layout in real headless Chromium: chart legends clear of their titles, deal tables not cut off.

usage: check_chart_boxes.py REPORT.html [SCREENSHOT.png]

A copy of the report (in a temp dir; the report itself is never modified and carries no script) gets a small script
appended that measures, at a 1280 px wide window:
- in each <svg class="chart">, in its own user units, the rendered bounding box (getBBox) of the title
  (<text class="ttl">) and of every element of its legend (<g class="legend">);
- for each deal's key/value tables (captions "Headline metrics", "Terms of the deal", "Run settings"), whether the table
  is wider than its scrolling box (its right-aligned values would be hidden off to the right).
`chromium --headless --dump-dom` runs the script and returns the page with the measurements as JSON. With
SCREENSHOT.png the copy is also saved as a PNG (1280 px wide) to look at.
Exit 0 and print a JSON summary when no legend box intersects its title's box and no such table overflows; 1
otherwise; 2 when chromium is absent.
"""
import html, json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_report import chromium  # the one lookup of the Chromium binary

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
  var tables = [];
  document.querySelectorAll('div.scroll').forEach(function (d) {
    var c = d.querySelector('caption');
    var name = c ? c.textContent : '';
    if (!/^(Headline metrics|Terms of the deal|Run settings)/.test(name)) return;
    tables.push({caption: name.split(' (')[0], scrollWidth: d.scrollWidth, clientWidth: d.clientWidth});
  });
  var pre = document.createElement('pre'); pre.id = 'boxes'; pre.textContent = JSON.stringify({charts: out, tables: tables});
  document.body.appendChild(pre);
});
</script>
"""

def intersects(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__); return 1
    report = os.path.abspath(sys.argv[1])
    exe = chromium()
    if not exe:
        print("chromium not found"); return 2
    text = open(report, encoding="utf-8").read()
    if "</body>" not in text:
        print(json.dumps({"error": "no </body>"})); return 1
    tmp = tempfile.mkdtemp(prefix="check-boxes-")
    try:
        page = os.path.join(tmp, "report-measured.html")
        with open(page, "w", encoding="utf-8") as f:
            f.write(text.replace("</body>", SCRIPT + "</body>", 1))
        base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
        env = dict(os.environ, HOME=tmp)
        r = subprocess.run(base + ["--user-data-dir=" + tmp + "/p1", "--window-size=1280,2000", "--virtual-time-budget=5000", "--dump-dom", "file://" + page],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, text=True, env=env)
        m = re.search(r'<pre id="boxes">(.*?)</pre>', r.stdout, flags=re.S)
        if r.returncode != 0 or not m:
            print("no measurements:", r.returncode, r.stderr[-2000:]); return 1
        measured = json.loads(html.unescape(m.group(1)))
        charts, tables = measured["charts"], measured["tables"]
        overlaps = []
        for c in charts:
            for b in c["legend"]:
                if c["titleBox"] and intersects(b, c["titleBox"]):
                    overlaps.append({"title": c["title"], "title_box": c["titleBox"], "legend_box": b})
        cut = [t for t in tables if t["scrollWidth"] > t["clientWidth"] + 1]
        if len(sys.argv) == 3:
            subprocess.run(base + ["--user-data-dir=" + tmp + "/p2", "--screenshot=" + os.path.abspath(sys.argv[2]),
                                   "--window-size=1280,4000", "file://" + page],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, text=True, env=env)
        with_legend = sum(1 for c in charts if c["legend"])
        print(json.dumps({"charts": len(charts), "with_legend": with_legend, "overlaps": overlaps,
                          "titles": [c["title"] for c in charts if c["legend"]], "tables": len(tables), "tables_cut_off": cut}, sort_keys=True))
        return 0 if not overlaps and not cut and with_legend > 0 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
