// Assessment pages (templates/assessment_macros.html): no inline scripts, the CSP allows only
// files from /static.
//   form[data-assess-submit]  — submitted when one of its selects changes; a select with
//                               data-resets="year" drops the year (a new plan has its own years).
//   select[data-reload]       — goes to data-reload + the chosen value.
//   #report-form              — shows #report-wait while the report is generated.
//   .trend-chart              — the trend chart of an indicator for one region, data from
//                               <script id="ID-data">: {unit, values: [[year, value, source]],
//                               baseline: [year, value, source] | null, target: {value, year,
//                               comparator, kind} | null, other_targets: [[year, value, cmp]],
//                               projection: [[y0, v0], [y1, v1]] | null, year, labels}.
(function () {
  "use strict";

  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el || el.tagName !== "SELECT") return;
    if (el.dataset.reload) {
      window.location.href = el.dataset.reload + encodeURIComponent(el.value);
      return;
    }
    var form = el.form;
    if (!form || !form.hasAttribute("data-assess-submit")) return;
    if (el.dataset.resets) {
      var other = form.elements.namedItem(el.dataset.resets);
      if (other && other !== el) other.disabled = true;
    }
    form.submit();
  });

  document.addEventListener("submit", function (ev) {
    if (ev.target && ev.target.id === "report-form") {
      var wait = document.getElementById("report-wait");
      if (wait) {
        wait.style.display = "block";
        window.setTimeout(function () { wait.style.display = "none"; }, 30000);
      }
    }
  });

  var CMP = { ">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<" };

  function readData(el) {
    var node = document.getElementById(el.id + "-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function fmt(v) {
    if (v === null || v === undefined) return "—";
    return Math.abs(v) >= 1000 || Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
  }

  function initTrend(el) {
    var d = readData(el);
    if (!d || typeof echarts === "undefined") return;
    var L = d.labels;
    var years = d.values.map(function (p) { return p[0]; });
    if (d.baseline) years.push(d.baseline[0]);
    if (d.target) years.push(d.target.year);
    d.other_targets.forEach(function (t) { years.push(t[0]); });
    years.push(d.year);
    var x0 = Math.min.apply(null, years), x1 = Math.max.apply(null, years);
    var series = [{
      name: L.values, type: "line", z: 5,
      data: d.values.map(function (p) { return { value: [p[0], p[1]], source: p[2] }; }),
      symbol: "circle", symbolSize: 8, lineStyle: { width: 2.5 }, itemStyle: { color: "#0b6e4f" },
      markLine: {
        silent: true, symbol: "none", lineStyle: { color: "#9aa5a0", type: "dotted" },
        label: { formatter: L.year + " " + d.year, position: "insideEndTop", color: "#5d6b64" },
        data: [{ xAxis: d.year }]
      }
    }];
    if (d.baseline) {
      series.push({
        name: L.baseline, type: "scatter", z: 6, symbol: "emptyCircle", symbolSize: 15,
        itemStyle: { color: "#1f5fa8", borderWidth: 2 },
        data: [{ value: [d.baseline[0], d.baseline[1]], source: d.baseline[2] }]
      });
    }
    if (d.target) {
      var t = d.target;
      var label = (CMP[t.comparator] || t.comparator) + " " + fmt(t.value);
      series.push({
        name: L.target, type: "line", z: 4,
        data: [
          { value: [x0, t.value], symbol: "none", label: label },
          { value: [Math.max(t.year, x1), t.value], symbol: "none", label: label },
          { value: [t.year, t.value], symbol: "diamond", symbolSize: 14, label: label }
        ].sort(function (a, b) { return a.value[0] - b.value[0]; }),
        lineStyle: { type: "dashed", color: "#d73027", width: 2 }, itemStyle: { color: "#d73027" },
        endLabel: { show: true, formatter: label, color: "#d73027" }
      });
    }
    if (d.other_targets.length) {
      series.push({
        name: L.target + " *", type: "scatter", symbol: "diamond", symbolSize: 10,
        itemStyle: { color: "#f4a09a" },
        data: d.other_targets.map(function (o) {
          return { value: [o[0], o[1]], label: (CMP[o[2]] || o[2]) + " " + fmt(o[1]) };
        })
      });
    }
    if (d.projection) {
      series.push({
        name: L.projection, type: "line", z: 3,
        data: d.projection.map(function (p) { return { value: p }; }),
        symbol: "emptyCircle", symbolSize: 7,
        lineStyle: { type: "dashed", color: "#7d8a84", width: 2 }, itemStyle: { color: "#7d8a84" }
      });
    }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 72, top: 30, bottom: 56 },
      legend: { type: "scroll", bottom: 0 },
      tooltip: {
        trigger: "item", confine: true,
        formatter: function (p) {
          var v = p.data.value;
          var text = p.seriesName + "<br>" + v[0] + ": <b>" + (p.data.label || fmt(v[1])) + "</b> " + d.unit;
          if (p.data.source) {
            var s = String(p.data.source).replace(/&/g, "&amp;").replace(/</g, "&lt;");
            text += "<br><span style='font-size:11px'>" + L.source + ": " + s + "</span>";
          }
          return text;
        }
      },
      xAxis: { type: "value", min: x0 - 1, max: x1 + 1, minInterval: 1,
               interval: x1 - x0 > 12 ? 2 : 1,
               axisLabel: { formatter: function (v) { return Number.isInteger(v) ? String(v) : ""; } },
               splitLine: { show: false } },
      yAxis: { type: "value", name: d.unit, scale: true },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }

  function init() {
    document.querySelectorAll(".trend-chart").forEach(initTrend);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
