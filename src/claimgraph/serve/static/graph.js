// Draws the graph of /graph with Cytoscape from the JSON of /api/graph (the URL is the container's
// data-source). Colours come from the CSS custom properties of claimgraph.css, so the legend and the
// drawing cannot disagree. The list of links beside the canvas is the same graph for keyboards and
// screen readers; this file only adds the picture.
(function () {
  "use strict";

  var container = document.getElementById("graph");
  var statusLine = document.getElementById("graph-status");
  if (!container || typeof window.cytoscape !== "function") {
    return;
  }
  var css = window.getComputedStyle(document.documentElement);
  var FIT_ZOOM = 1.25;

  function colour(name) {
    return css.getPropertyValue(name).trim() || "#777777";
  }

  function say(text) {
    if (statusLine) {
      statusLine.textContent = text;
    }
  }

  function words(name) {
    return String(name || "").replace(/_/g, " ");
  }

  function elements(data) {
    var nodes = data.nodes.map(function (node) {
      return { group: "nodes", data: {
        id: node.id, label: node.name, type: node.type || "unknown", degree: node.degree,
        focus: node.focus ? 1 : 0
      } };
    });
    var edges = data.edges.map(function (edge) {
      return { group: "edges", data: {
        id: edge.id, source: edge.source, target: edge.target, label: words(edge.relation),
        status: edge.status, modality: edge.modality
      } };
    });
    return nodes.concat(edges);
  }

  function nodeColour(node) {
    return colour("--type-" + node.data("type"));
  }

  function edgeColour(edge) {
    return colour("--status-" + edge.data("status"));
  }

  function style() {
    return [
      { selector: "node", style: {
        "background-color": nodeColour, "label": "data(label)", "font-size": 11,
        "text-valign": "bottom", "text-margin-y": 4, "color": colour("--text"),
        "text-wrap": "wrap", "text-max-width": 110, "width": 22, "height": 22,
        "text-background-color": colour("--bg"), "text-background-opacity": 0.8,
        "text-background-padding": 1
      } },
      { selector: "node[focus = 1]", style: {
        "width": 34, "height": 34, "border-width": 3, "border-color": colour("--text"), "font-weight": "bold"
      } },
      { selector: "edge", style: {
        "line-color": edgeColour, "target-arrow-color": edgeColour, "target-arrow-shape": "triangle",
        "curve-style": "bezier", "width": 3, "label": "data(label)", "font-size": 9,
        "color": colour("--muted"), "text-rotation": "autorotate", "text-background-color": colour("--bg"),
        "text-background-opacity": 0.8
      } },
      { selector: "edge[modality = 'hedged']", style: { "line-style": "dashed" } },
      { selector: "node:active, edge:active, node:selected, edge:selected", style: {
        "overlay-color": colour("--focus"), "overlay-opacity": 0.25
      } }
    ];
  }

  function go(path, params) {
    var query = new URLSearchParams(params).toString();
    window.location.assign(query ? path + "?" + query : path);
  }

  function draw(data) {
    if (!data.nodes.length) {
      say("No link matches these filters.");
      return;
    }
    say("");
    var cy = window.cytoscape({
      container: container, elements: elements(data), style: style(),
      // concentric puts the focus in the middle and the best connected next to it; unlike the
      // force-directed layouts it draws the same picture every time
      layout: { name: "concentric", concentric: function (node) {
        return node.data("focus") ? 1000 : node.data("degree");
      }, levelWidth: function () { return 2; }, minNodeSpacing: 40, spacingFactor: 1.6, animate: false },
      minZoom: 0.2, maxZoom: 3
    });
    // fitting a handful of nodes would blow them up to the whole canvas
    if (cy.zoom() > FIT_ZOOM) {
      cy.zoom(FIT_ZOOM);
      cy.center();
    }
    cy.on("tap", "node", function (event) {
      window.location.assign("/entity/" + encodeURIComponent(event.target.id()));
    });
    cy.on("tap", "edge", function (event) {
      var edge = event.target.data();
      go("/link", { a: edge.source, b: edge.target });
    });
    window.claimgraphGraph = cy;
    container.setAttribute("data-ready", "true");
  }

  fetch(container.getAttribute("data-source"), { headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the graph could not be loaded (HTTP " + response.status + ")");
      }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      say(error.message + "; the list of links still works.");
    });
}());
