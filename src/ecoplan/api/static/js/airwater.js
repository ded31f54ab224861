// The air and water pages (templates air.html, water.html, water_section.html); data come in
// <script type="application/json" id="ID-data"> blocks (the CSP allows no inline script).
//   .aqi-calendar  — daily AQI calendar heatmap coloured by the six HJ 633 levels, ▲ dust days
//   .monthly-chart — days per AQI level per month (stacked bars) and the good-day ratio (line)
//   .water-map     — sections on the map of Inner Mongolia, one scatter series per GB 3838 class
//   form[data-autosubmit] — choosing a city/region/year reloads the page
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var DAYS_ZH = ["日", "一", "二", "三", "四", "五", "六"];
  var DAYS_EN = ["S", "M", "T", "W", "T", "F", "S"];
  var MONTHS_ZH = ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"];
  var MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function readData(el) {
    var node = document.getElementById(el.id + "-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function onResize(chart) {
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // --- daily AQI calendar ------------------------------------------------------------------

  function dayTip(d, en) {
    // d = [date, aqi, level name, primary, dust, edition, published]
    var lines = ["<strong>" + esc(d[0]) + "</strong>", "AQI " + esc(d[1]) + " · " + esc(d[2])];
    if (d[3]) lines.push((en ? "Primary pollutant: " : "首要污染物：") + esc(d[3]));
    if (d[4]) lines.push(en ? "▲ sand-dust day" : "▲ 沙尘日");
    lines.push((en ? "Standard: " : "标准：") + esc(d[5]));
    if (!d[6]) {
      lines.push(en ? "not published (HJ 633-2026 §5.3.1: data missing, AQI ≤ 100)"
                    : "不发布（HJ 633-2026 §5.3.1：有缺测且 AQI≤100）");
    }
    return lines.join("<br>");
  }

  function initCalendar(el) {
    var data = readData(el);
    if (!data) return;
    var en = data.lang === "en";
    var vertical = el.clientWidth < 640;
    var byDate = {};
    data.days.forEach(function (d) { byDate[d[0]] = d; });
    var dust = data.days.filter(function (d) { return d[4]; }).map(function (d) { return [d[0], d[1]]; });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) { return dayTip(byDate[p.data[0]], en); }
      },
      visualMap: {
        show: false,
        type: "piecewise",
        dimension: 1,
        seriesIndex: 0,
        pieces: data.levels.map(function (lv) {
          var piece = { min: lv.min, color: lv.color, label: lv.label };
          if (lv.max !== null) piece.max = lv.max;
          return piece;
        })
      },
      calendar: {
        range: String(data.year),
        orient: vertical ? "vertical" : "horizontal",
        cellSize: vertical ? ["auto", "auto"] : ["auto", 18],
        left: vertical ? 34 : 36, right: vertical ? 8 : 8, top: vertical ? 36 : 28, bottom: 8,
        dayLabel: { firstDay: 1, nameMap: en ? DAYS_EN : DAYS_ZH, fontSize: 10 },
        monthLabel: { nameMap: en ? MONTHS_EN : MONTHS_ZH, fontSize: 11 },
        yearLabel: { show: false },
        itemStyle: { color: "#ffffff", borderColor: "#e3e8e5", borderWidth: 1 },
        splitLine: { lineStyle: { color: "#7d9288", width: 1.5 } }
      },
      series: [
        { type: "heatmap", coordinateSystem: "calendar", data: data.days },
        {
          type: "scatter", coordinateSystem: "calendar", data: dust, name: en ? "sand-dust" : "沙尘",
          symbol: "triangle", symbolSize: 7, itemStyle: { color: "#4e342e" }, z: 3
        }
      ]
    });
    onResize(chart);
    el.dataset.ready = "1";
  }

  // --- monthly statistics ------------------------------------------------------------------

  function initMonthly(el) {
    var data = readData(el);
    if (!data) return;
    var en = data.lang === "en";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var months = data.months.map(function (m) { return en ? MONTHS_EN[+m - 1] : MONTHS_ZH[+m - 1]; });
    var ratioName = en ? "Good-day ratio %" : "优良天数比例 %";
    var series = data.levels.map(function (lv) {
      return { name: lv.name, type: "bar", stack: "days", data: lv.days, barMaxWidth: 26,
               itemStyle: { color: lv.color, borderColor: "#8a8a8a", borderWidth: 0.3 } };
    });
    series.push({ name: ratioName, type: "line", yAxisIndex: 1, data: data.ratio, symbolSize: 6,
                  itemStyle: { color: "#0b6e4f" }, lineStyle: { width: 2 }, connectNulls: false });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", bottom: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 11 } },
      grid: { left: 40, right: 44, top: 28, bottom: 48 },
      xAxis: { type: "category", data: months },
      yAxis: [
        { type: "value", name: en ? "days" : "天数", minInterval: 1, max: 31 },
        { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } }
      ],
      series: series
    });
    onResize(chart);
    el.dataset.ready = "1";
  }

  // --- water sections on the map -----------------------------------------------------------

  var geoCache = {};
  function loadGeo(url) {
    if (!geoCache[url]) {
      geoCache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error("map boundaries: HTTP " + r.status);
        return r.json();
      });
    }
    return geoCache[url];
  }

  function sectionTip(p, en) {
    var d = p.data;
    if (!d || !d.code) return p.name;
    var lines = ["<strong>" + esc(d.name) + "</strong> " + esc(d.code)];
    if (d.water_body) lines.push((en ? "Water body: " : "水体：") + esc(d.water_body));
    lines.push((en ? "Annual class: " : "年度类别：") + esc(d.label));
    if (d.target) lines.push((en ? "Target: class " : "目标：") + esc(en ? d.target : d.target + "类"));
    if (d.meets !== null && d.meets !== undefined) {
      lines.push(d.meets ? (en ? "meets its target" : "达标") : (en ? "misses its target" : "未达标"));
    }
    if (d.deciding) lines.push((en ? "Deciding items: " : "定类项目：") + esc(d.deciding));
    if (d.seat) lines.push(en ? "(no coordinates: drawn near the region's seat)" : "（无坐标：画在所在地区驻地附近）");
    if (d.synthetic) lines.push(en ? "demo data (synthetic)" : "演示数据（合成）");
    return lines.join("<br>");
  }

  function initWaterMap(el) {
    var data = readData(el);
    if (!data) return;
    var en = data.lang === "en";
    loadGeo(el.dataset.geo).then(function (geo) {
      var mapName = "im-150000";
      if (!echarts.getMap(mapName)) echarts.registerMap(mapName, geo);
      var names = {};
      geo.features.forEach(function (f) {
        names[f.properties.adcode] = en ? f.properties.name_en : f.properties.name;
      });
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var series = data.classes.map(function (c) {
        return {
          name: c.label,
          type: "scatter",
          coordinateSystem: "geo",
          symbolSize: 12,
          itemStyle: { color: c.color, borderColor: "#263238", borderWidth: 0.8 },
          emphasis: { scale: 1.5 },
          data: data.points.filter(function (p) { return p.cls === c.cls; }).map(function (p) {
            var item = Object.assign({}, p);
            if (p.seat) item.itemStyle = { color: "#ffffff", borderColor: c.color, borderWidth: 3 };
            return item;
          })
        };
      });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "item", formatter: function (p) { return sectionTip(p, en); } },
        legend: {
          bottom: 0, type: "scroll", itemWidth: 12, itemHeight: 12, icon: "circle",
          data: data.classes.map(function (c) { return c.label; })
        },
        geo: {
          map: mapName,
          nameProperty: "adcode",
          roam: true,
          scaleLimit: { min: 1, max: 8 },
          left: 8, right: 8, top: 8, bottom: 36,
          itemStyle: { areaColor: "#eef3f0", borderColor: "#9fb3aa", borderWidth: 1 },
          label: { show: true, fontSize: 10, color: "#6b7b74",
                   formatter: function (p) { return names[p.name] || p.name; } },
          emphasis: { label: { show: true }, itemStyle: { areaColor: "#dfeae4" } },
          tooltip: { show: false }
        },
        series: series
      });
      chart.on("click", function (p) { if (p.data && p.data.href) window.location.href = p.data.href; });
      onResize(chart);
      el.dataset.ready = "1";
    }).catch(function (err) {
      el.textContent = String(err);
    });
  }

  // --- choosing a city / region / year ------------------------------------------------------

  function initAutosubmit(form) {
    form.querySelectorAll("select").forEach(function (sel) {
      sel.addEventListener("change", function () { form.submit(); });
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosubmit]").forEach(initAutosubmit);
    if (typeof echarts === "undefined") return;
    document.querySelectorAll(".aqi-calendar").forEach(initCalendar);
    document.querySelectorAll(".monthly-chart").forEach(initMonthly);
    document.querySelectorAll(".water-map").forEach(initWaterMap);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
