/* Draws the pages' charts with the vendored Apache ECharts (static/vendor/echarts, Apache-2.0):
   a box with data-chart="penalties" | "provinces" | "timeline" and data-src="/api/charts/…" is
   filled once its JSON has arrived (web/views/charts.py), so a page never waits for a count.
   Texts come from the JSON in the page's language; a point of a timeline opens its record.
   Served as a file so the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var COLORS = {qualification: "#8e6bbf", registration: "#3aa57a", project: "#e8883a", penalty: "#d9363e",
                award: "#d4ad18"};
  var PALETTE = ["#d9363e", "#e8883a", "#d4ad18", "#8e6bbf", "#2f7ed8", "#3aa57a", "#5b8fa8", "#7a7a7a", "#b05f8a"];
  var cache = {};

  function fetchJson(src) {
    if (!cache[src]) {
      cache[src] = fetch(src, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    }
    return cache[src];
  }

  function penalties(d) {
    return {
      color: PALETTE,
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      legend: {type: "scroll", top: 0, textStyle: {fontSize: 12}},
      grid: {left: 8, right: 12, top: 36, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: d.years, axisLabel: {fontSize: 12}},
      yAxis: {type: "value", minInterval: 1, axisLabel: {fontSize: 12}},
      series: d.measures.map(function (m) {
        return {name: m.name, type: "bar", stack: "all", data: m.counts, emphasis: {focus: "series"}};
      })
    };
  }

  function provinces(d) {
    var top = d.provinces.filter(function (p) { return p.code; }).slice(0, 12).reverse();  // the unknown region is left out
    return {
      color: ["#2f7ed8"],
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
      xAxis: {type: "value", minInterval: 1, axisLabel: {fontSize: 12}},
      yAxis: {type: "category", data: top.map(function (p) { return p.name; }), axisLabel: {fontSize: 12}},
      series: [{type: "bar", name: d.labels.count, data: top.map(function (p) { return p.n; })}]
    };
  }

  function timeline(d, box) {
    var kinds = Object.keys(d.kinds).filter(function (k) {
      return d.events.some(function (e) { return e.kind === k; });
    });
    var row = {}, n = {};
    kinds.forEach(function (k, i) { row[k] = i; n[k] = 0; });
    var series = [];
    kinds.forEach(function (k) {
      var spans = [], points = [];
      d.events.filter(function (e) { return e.kind === k; }).forEach(function (e) {
        var y = row[k] + ((n[k]++ % 5) - 2) * 0.12;
        var item = {value: [e.start, y], text: e.text, start: e.start, end: e.end, url: "/" + e.route + "/" + encodeURIComponent(e.key || "")};
        points.push(item);
        if (e.end) { spans.push([e.start, y], [e.end, y], "-"); }
      });
      series.push({type: "line", name: d.kinds[k], data: spans, symbol: "none", connectNulls: false, silent: true,
                   lineStyle: {width: 4, opacity: 0.55, color: COLORS[k]}, itemStyle: {color: COLORS[k]}});
      series.push({type: "scatter", name: d.kinds[k], data: points, symbolSize: 10, itemStyle: {color: COLORS[k]}});
    });
    box.setAttribute("data-events", String(d.events.length));
    box.style.height = (70 + 44 * Math.max(kinds.length, 1)) + "px";
    return {
      tooltip: {trigger: "item", formatter: function (p) {
        var v = p.data || {}, el = document.createElement("div");
        el.textContent = (v.text || "") + " · " + (v.start || "") + (v.end ? " – " + v.end : "");
        return el.innerHTML;
      }},
      grid: {left: 8, right: 24, top: 12, bottom: 8, containLabel: true},
      xAxis: {type: "time", axisLabel: {fontSize: 12}},
      yAxis: {type: "value", min: -0.5, max: kinds.length - 0.5, interval: 1, inverse: true,
              axisLabel: {fontSize: 12, formatter: function (v) { return Number.isInteger(v) && kinds[v] ? d.kinds[kinds[v]] : ""; }},
              splitLine: {show: true, lineStyle: {type: "dashed"}}},
      dataZoom: [{type: "inside", xAxisIndex: 0}],
      series: series
    };
  }

  function risk(d, box) {
    var parts = (d.contributions || []).slice().sort(function (a, b) { return Math.abs(a.points) - Math.abs(b.points); });
    if (!parts.length) { return null; }
    var label = function (c) { var t = (c.reason && c.reason.text) || String(c.key); return t.length > 28 ? t.slice(0, 27) + "…" : t; };
    box.style.height = Math.min(640, 60 + 26 * parts.length) + "px";
    return {
      tooltip: {trigger: "item", formatter: function (p) {
        var el = document.createElement("div");
        el.textContent = (parts[p.dataIndex].reason && parts[p.dataIndex].reason.text || "") + " · " + p.value;
        return el.innerHTML;
      }},
      grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
      xAxis: {type: "value", axisLabel: {fontSize: 12}},
      yAxis: {type: "category", data: parts.map(label), axisLabel: {fontSize: 12}},
      series: [{type: "bar", data: parts.map(function (c) {
        return {value: c.points, itemStyle: {color: c.points < 0 ? "#3aa57a" : (c.kind === "flag" ? "#e08a00" : "#d9363e")}};
      })}]
    };
  }

  var BUILD = {penalties: penalties, provinces: provinces, timeline: timeline, risk: risk};

  function draw(box) {
    var kind = box.getAttribute("data-chart");
    fetchJson(box.getAttribute("data-src")).then(function (d) {
      if (kind === "timeline" && !d.events.length) { box.classList.add("empty"); box.textContent = box.getAttribute("data-empty") || ""; box.setAttribute("data-chart-drawn", "0"); return; }
      if ((kind === "penalties" || kind === "provinces") && !d.total) { box.classList.add("empty"); box.textContent = box.getAttribute("data-empty") || ""; box.setAttribute("data-chart-drawn", "0"); return; }
      var option = BUILD[kind](d, box);
      if (!option) { box.classList.add("empty"); box.textContent = box.getAttribute("data-empty") || ""; box.setAttribute("data-chart-drawn", "0"); return; }
      var chart = echarts.init(box);
      chart.setOption(option);
      chart.on("click", function (p) {
        var url = p.data && p.data.url;
        if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") { window.location.href = url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      box.setAttribute("data-chart-drawn", "1");
    }).catch(function () {
      box.textContent = box.getAttribute("data-failed") || "";
      box.setAttribute("data-chart-drawn", "error");
    });
  }

  var boxes = document.querySelectorAll("[data-chart]");
  for (var i = 0; i < boxes.length; i++) { draw(boxes[i]); }
})();
