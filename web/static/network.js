/* Draws every graph on a page with vis-network: a box with data-graph="ID" names the
   <script type="application/json" id="ID"> holding {nodes, edges, options}, built by
   web/graphview.py. Node titles were escaped on the server: the tooltip element is built from
   that escaped HTML. A click on a node opens its page (data-open="top": the whole window, from
   the graph's frame). Served as a file so the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  function draw(box) {
    var data = JSON.parse(document.getElementById(box.getAttribute("data-graph")).textContent);
    var nodes = new vis.DataSet(data.nodes);
    var edges = new vis.DataSet(data.edges);
    nodes.forEach(function (n) {
      if (typeof n.title === "string") {
        var el = document.createElement("div");
        el.innerHTML = n.title;
        nodes.update({id: n.id, title: el});
      }
    });
    var network = new vis.Network(box, {nodes: nodes, edges: edges}, data.options);
    var inFrame = box.getAttribute("data-open") === "top";
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({physics: false});
      box.setAttribute("data-stabilized", "1");
      if (inFrame) { document.body.setAttribute("data-stabilized", "1"); }
    });
    network.on("click", function (params) {
      if (!params.nodes.length) { return; }
      var url = nodes.get(params.nodes[0]).url;
      if (url && url.charAt(0) === "/" && url.charAt(1) !== "/") {
        (inFrame ? window.top : window).location.href = url;
      }
    });
    if (inFrame) { window.chengxinNetwork = network; }
  }
  var boxes = document.querySelectorAll("[data-graph]");
  for (var i = 0; i < boxes.length; i++) {
    if (!boxes[i].hasAttribute("data-drawn")) { boxes[i].setAttribute("data-drawn", "1"); draw(boxes[i]); }
  }
})();
