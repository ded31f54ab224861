// ECharts components used by the templates' macros (templates/macros.html):
//   .region-map  — the map of Inner Mongolia's 12 leagues/cities, data from <script id="ID-data">
//                  {code: {value, color, label, href}}; boundaries from data-geo (GeoJSON whose
//                  features carry properties.adcode / name / name_en).
//   .line-chart  — baseline/target points per region, {unit, series: [{name, points: [[x, y, note]]}]}.
(function () {
  "use strict";
  var geoCache = {};

  function readData(el) {
    var node = document.getElementById(el.id + "-data");
    return node ? JSON.parse(node.textContent) : {};
  }

  function shortName(name) {
    // 呼和浩特市 → 呼和浩特, 锡林郭勒盟 stays (the label must still say it is a league)
    return name && name.length > 3 && name.slice(-1) === "市" ? name.slice(0, -1) : name;
  }

  function loadGeo(url) {
    if (!geoCache[url]) {
      geoCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("map boundaries: HTTP " + r.status);
        return r.json();
      });
    }
    return geoCache[url];
  }

  function initMap(el) {
    var data = readData(el);
    var en = el.dataset.lang === "en";
    loadGeo(el.dataset.geo).then(function (geo) {
      var mapName = "im-150000";
      if (!echarts.getMap(mapName)) echarts.registerMap(mapName, geo);
      var names = {};
      geo.features.forEach(function (f) {
        names[f.properties.adcode] = en ? f.properties.name_en : f.properties.name;
      });
      var items = Object.keys(data).map(function (code) {
        var d = data[code];
        return { name: code, value: d.value, tip: d.label, href: d.href, itemStyle: { areaColor: d.color } };
      });
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        tooltip: {
          trigger: "item",
          formatter: function (p) { return (p.data && p.data.tip) || names[p.name] || p.name; }
        },
        series: [{
          type: "map",
          map: mapName,
          nameProperty: "adcode",
          roam: false,
          selectedMode: false,
          left: 8, right: 8, top: 8, bottom: 8,
          data: items,
          itemStyle: { areaColor: "#e0e0e0", borderColor: "#ffffff", borderWidth: 1 },
          label: {
            show: true, fontSize: 11, color: "#1b1b1b",
            formatter: function (p) { return en ? names[p.name] : shortName(names[p.name]); }
          },
          emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#fdd49e" } }
        }]
      });
      chart.on("click", function (p) { if (p.data && p.data.href) window.location.href = p.data.href; });
      window.addEventListener("resize", function () { chart.resize(); });
      el.dataset.ready = "1";
    }).catch(function (err) {
      el.textContent = String(err);
    });
  }

  function initLine(el) {
    var data = readData(el);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var v = p.data.value, note = p.data.note;
          var kind = note === "baseline" ? "基准值 baseline" : "目标值 target " + note;
          return p.seriesName + "<br>" + v[0] + ": " + v[1] + " " + data.unit + " (" + kind + ")";
        }
      },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 48, right: 16, top: 24, bottom: 48 },
      xAxis: { type: "value", minInterval: 1,
               min: function (v) { return v.min - 1; }, max: function (v) { return v.max + 1; },
               axisLabel: { formatter: function (v) { return String(v); } } },
      yAxis: { type: "value", name: data.unit, scale: true },
      series: data.series.map(function (s) {
        var points = s.points.map(function (pt) {
          // circle: baseline; diamond: target (the comparator is in the tooltip)
          return { value: [pt[0], pt[1]], note: pt[2], symbol: pt[2] === "baseline" ? "circle" : "diamond" };
        });
        return { name: s.name, type: "line", data: points, symbolSize: 10,
                 lineStyle: { type: "dashed" } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.ready = "1";
  }

  function init() {
    document.querySelectorAll(".region-map").forEach(initMap);
    document.querySelectorAll(".line-chart").forEach(initLine);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
