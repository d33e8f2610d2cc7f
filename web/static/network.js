/* Draws every graph on a page with vis-network: a box with data-graph="ID" names the
   <script type="application/json" id="ID"> holding {nodes, edges, options, height}, built by
   web/graphview.py. Node titles were escaped on the server: the tooltip element is built from
   that escaped HTML. The box takes the height that fits its graph. A click on a node selects it
   and adds its neighbours in place (a "more" node adds the next page of its type), up to a cap;
   a double click, or the "open" button, opens its page (data-open="top": the whole window, from
   the graph's frame). The "full screen" button shows the graph alone. Served as a file so the
   Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var CAP = 250;  // nodes drawn at most, expansions included
  function localUrl(u) { return typeof u === "string" && u.charAt(0) === "/" && u.charAt(1) !== "/"; }
  function prep(n) {
    if (typeof n.title === "string") {
      var el = document.createElement("div");
      el.innerHTML = n.title;
      n.title = el;
    }
    return n;
  }
  function edgeKey(e) { return e.from + "\u0000" + e.to + "\u0000" + (e.label || e.title || ""); }

  function draw(box) {
    var data = JSON.parse(document.getElementById(box.getAttribute("data-graph")).textContent);
    var inFrame = box.getAttribute("data-open") === "top";
    var wrap = box.closest(".graph-wrap") || box.parentNode;
    var status = wrap.querySelector(".graph-status");
    var openBtn = wrap.querySelector("button[data-act=open]");
    var fullBtn = wrap.querySelector("button[data-act=full]");
    if (data.height) { box.style.height = data.height + "px"; }
    var nodes = new vis.DataSet(data.nodes.map(prep));
    var edges = new vis.DataSet(data.edges);
    var seen = {};
    edges.forEach(function (e) { seen[edgeKey(e)] = true; });
    var network = new vis.Network(box, {nodes: nodes, edges: edges}, data.options);
    var selected = null;

    function fitFrame() {
      if (inFrame && window.frameElement) {
        window.frameElement.style.height = Math.ceil(document.documentElement.scrollHeight) + "px";
      }
    }
    function say(text) { if (status) { status.textContent = text; } }
    function open(id) {
      var n = nodes.get(id);
      var url = n && n.url;
      if (localUrl(url)) { (inFrame ? window.top : window).location.href = url; }
    }
    function settle() {
      network.setOptions({physics: {enabled: true}});
      network.stabilize(80);
      network.once("stabilized", function () { network.setOptions({physics: false}); });
    }
    function expand(id) {
      var n = nodes.get(id);
      if (!n || n.expanded || n.expanding) { return; }
      var url = n.expand || (localUrl(n.url) && !n.center && n.kind !== "more" ? "/api/graph" + n.url.split("#")[0] : null);
      if (!url) { return; }
      if (nodes.length >= CAP) { say(wrap.getAttribute("data-capped")); return; }
      nodes.update({id: id, expanding: true});
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"}).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      }).then(function (d) {
        var pos = network.getPositions([id])[id] || {x: 0, y: 0};
        if (n.kind === "more") {  // the page replaces its "more" node (a new one follows if more remain)
          edges.remove(edges.getIds({filter: function (e) { return e.to === id || e.from === id; }}));
          nodes.remove(id);
        } else {
          nodes.update({id: id, expanded: true, expanding: false});
        }
        var added = 0, capped = false;
        d.nodes.forEach(function (m, i) {
          if (nodes.get(m.id)) { return; }
          if (nodes.length >= CAP) { capped = true; return; }
          delete m.center;
          m.x = pos.x + 90 * Math.cos(i * 0.7);
          m.y = pos.y + 90 * Math.sin(i * 0.7);
          nodes.add(prep(m));
          added += 1;
        });
        d.edges.forEach(function (e) {
          var k = edgeKey(e);
          if (!seen[k] && nodes.get(e.from) && nodes.get(e.to)) { seen[k] = true; edges.add(e); }
        });
        box.setAttribute("data-nodes", String(nodes.length));
        box.setAttribute("data-expanded", String((+box.getAttribute("data-expanded") || 0) + 1));
        say(capped ? wrap.getAttribute("data-capped") : "");
        if (added) { settle(); }
      }).catch(function () {
        nodes.update({id: id, expanding: false});
        say(wrap.getAttribute("data-failed"));
      });
    }

    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      box.setAttribute("data-stabilized", "1");
      if (inFrame) { document.body.setAttribute("data-stabilized", "1"); }
    });
    network.on("click", function (params) {
      if (!params.nodes.length) { selected = null; if (openBtn) { openBtn.disabled = true; } return; }
      selected = params.nodes[0];
      var n = nodes.get(selected);
      if (openBtn) { openBtn.disabled = !(n && localUrl(n.url) && n.kind !== "more"); }
      if (box.getAttribute("data-expand") !== "off") { expand(selected); }
    });
    network.on("doubleClick", function (params) {
      if (params.nodes.length && nodes.get(params.nodes[0]).kind !== "more") { open(params.nodes[0]); }
    });
    if (openBtn) { openBtn.addEventListener("click", function () { if (selected !== null) { open(selected); } }); }
    if (fullBtn) {
      fullBtn.addEventListener("click", function () {
        if (document.fullscreenElement) { document.exitFullscreen(); } else if (wrap.requestFullscreen) { wrap.requestFullscreen(); }
      });
      document.addEventListener("fullscreenchange", function () {
        var full = document.fullscreenElement === wrap;
        wrap.classList.toggle("full", full);
        box.style.height = full ? (window.innerHeight - 90) + "px" : (data.height ? data.height + "px" : "");
        network.redraw();
        network.fit();
        fitFrame();
      });
    }
    fitFrame();
    window.addEventListener("load", fitFrame);
    if (inFrame) { window.chengxinNetwork = network; }
    (window.chengxinNetworks = window.chengxinNetworks || {})[box.id] = network;
  }
  var boxes = document.querySelectorAll("[data-graph]");
  for (var i = 0; i < boxes.length; i++) {
    if (!boxes[i].hasAttribute("data-drawn")) { boxes[i].setAttribute("data-drawn", "1"); draw(boxes[i]); }
  }
})();
