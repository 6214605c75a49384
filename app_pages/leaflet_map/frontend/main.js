/* Offline Leaflet map of the atlas: a Streamlit custom component (components v1).
 *
 * The component protocol is implemented by hand (no build step, no npm):
 *   - we post {isStreamlitMessage, type: "streamlit:componentReady", apiVersion: 1};
 *   - Streamlit posts "streamlit:render" events whose `args` are
 *       {layers: [{id, url, style, interactive, fit, weight}], highlight, legend, height};
 *   - a click on an interactive feature posts "streamlit:setComponentValue" with
 *       {code, layer, t}: only clicks rerun the app, panning and zooming stay here;
 *   - "streamlit:setFrameHeight" sizes the iframe.
 * Each layer's GeoJSON is fetched from `url`, a content-addressed file that Streamlit serves
 * next to this page: a rerun sends a few hundred bytes, and the browser caches the layers.
 * No base map, no tiles, no CDN: borders are drawn from the atlas' own geometries on a canvas.
 */
(function () {
  "use strict";

  // Sequential palette (ColorBrewer YlOrRd, 7 classes); class indices come from Python.
  var DEFAULT_PALETTE = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20",
                         "#bd0026"];
  var PALETTE = DEFAULT_PALETTE;  // a legend may bring its own colours, one per class
  var MISSING = "#bdbdbd";
  var HIGHLIGHT = { color: "#0033cc", weight: 3.5, opacity: 1 };
  var MAX_CACHED_LAYERS = 8;

  var STYLES = {
    classes: function (feature, spec) {
      return {
        fillColor: colourOf(feature.properties.cls), fillOpacity: 0.88,
        color: "#ffffff", weight: spec.weight, opacity: 0.9
      };
    },
    outline: function (feature, spec) {
      return { fill: false, color: "#222222", weight: spec.weight, opacity: 0.9 };
    },
    frame: function (feature, spec) {
      return { fill: false, color: "#6b6b6b", weight: spec.weight, dashArray: "4 3" };
    }
  };

  var map = null;
  var legendControl = null;
  var legendSignature = "";
  var shown = [];            // entries currently on the map, in drawing order
  var signature = "";        // identity of the layer set currently shown (or being loaded)
  var cache = {};            // layer key -> entry, so that going back is instant
  var cacheOrder = [];
  var generation = 0;        // guards against out-of-order asynchronous loads
  var highlightCode = null;
  var highlighted = null;    // {entry, layer}
  var lastClicked = null;
  var renders = 0;
  var pending = Promise.resolve(false);  // the load of the layer set named by `signature`
  var latest = null;         // the most recent render arguments
  var timings = { render: undefined };  // ms since page start: click, render, parsed, built, drawn

  function post(type, data) {
    var message = { isStreamlitMessage: true, type: type };
    for (var k in data) { message[k] = data[k]; }
    window.parent.postMessage(message, "*");
  }

  function colourOf(cls) {
    if (cls === null || cls === undefined) { return MISSING; }
    return PALETTE[Math.max(0, Math.min(PALETTE.length - 1, cls))];
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function setLoading(on) {
    document.getElementById("loading").style.display = on ? "block" : "none";
  }

  function ensureMap() {
    if (map) { return; }
    map = L.map("map", {
      preferCanvas: true, attributionControl: false, zoomSnap: 0.1, zoomDelta: 0.5,
      minZoom: 3, maxZoom: 14
    });
    map.setView([46.6, 1.0], 5);
    window.atlasMap = {
      map: map, cache: cache,
      shown: function () { return shown; },
      timings: function () { return timings; }
    };
  }

  function layerKey(spec) {
    return [spec.id, spec.url, spec.style, spec.interactive, spec.weight].join("|");
  }

  function buildEntry(spec, data) {
    var byCode = {};
    var geo = L.geoJSON(data, {
      interactive: !!spec.interactive,
      style: function (feature) { return STYLES[spec.style](feature, spec); },
      onEachFeature: function (feature, layer) { byCode[feature.properties.code] = layer; }
    });
    if (spec.interactive) {
      geo.bindTooltip(function (layer) {
        var p = layer.feature.properties;
        return "<b>" + escapeHtml(p.name) + "</b> (" + escapeHtml(p.code) + ")";
      }, { sticky: true, direction: "top", offset: [0, -8] });
      geo.on("click", function (event) {
        var code = event.layer.feature.properties.code;
        lastClicked = code;
        timings = { click: performance.now() };
        post("streamlit:setComponentValue", {
          value: { code: code, layer: spec.id, t: Date.now() }, dataType: "json"
        });
      });
    }
    var labels = null;
    if (spec.style === "frame") {
      labels = L.layerGroup();
      geo.eachLayer(function (layer) {
        var b = layer.getBounds();
        labels.addLayer(L.marker([b.getNorth(), b.getWest()], {
          interactive: false, keyboard: false,
          icon: L.divIcon({
            className: "atlas-inset-label", iconSize: null, iconAnchor: [-4, -3],
            html: escapeHtml(layer.feature.properties.name)
          })
        }));
      });
    }
    return { spec: spec, geo: geo, labels: labels, byCode: byCode, count: data.features.length };
  }

  function remember(key, entry) {
    cache[key] = entry;
    cacheOrder.push(key);
    while (cacheOrder.length > MAX_CACHED_LAYERS) {
      var old = cacheOrder.shift();
      if (shown.indexOf(cache[old]) < 0) { delete cache[old]; } else { cacheOrder.push(old); break; }
    }
  }

  function loadLayer(spec) {
    var key = layerKey(spec);
    if (cache[key]) { return Promise.resolve(cache[key]); }
    return fetch(spec.url).then(function (response) {
      if (!response.ok) { throw new Error("couche " + spec.id + " : HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      timings.parsed = performance.now();
      var entry = buildEntry(spec, data);
      timings.built = performance.now();
      remember(key, entry);
      return entry;
    });
  }

  function showLayers(specs) {
    var wanted = specs.map(layerKey).join(",");
    if (wanted === signature) { return pending; }
    signature = wanted;
    var mine = ++generation;
    setLoading(true);
    pending = Promise.all(specs.map(loadLayer)).then(function (entries) {
      if (mine !== generation) { return false; }
      clearHighlight();
      shown.forEach(function (entry) {
        map.removeLayer(entry.geo);
        if (entry.labels) { map.removeLayer(entry.labels); }
      });
      shown = entries;
      // Move the view first, then add the layers: their paths are projected only once.
      var bounds = null;
      entries.forEach(function (entry) {
        if (entry.spec.fit && entry.count > 0) {
          bounds = bounds ? bounds.extend(entry.geo.getBounds()) : entry.geo.getBounds();
        }
      });
      if (bounds) { fitClearOfLegend(bounds); }
      entries.forEach(function (entry) {
        entry.geo.addTo(map);
        if (entry.labels) { entry.labels.addTo(map); }
      });
      setLoading(false);
      return true;
    }).catch(function (error) {
      if (mine === generation) {
        signature = "";
        document.getElementById("loading").textContent = "Erreur de chargement : " + error.message;
      }
      throw error;
    });
    return pending;
  }

  // Fit the view to `bounds`, keeping the legend (bottom right) off the territories: leave
  // room for it either on the right or at the bottom, whichever allows the larger zoom.
  function fitClearOfLegend(bounds) {
    var legend = legendControl ? legendControl.getContainer() : null;
    var right = legend ? legend.offsetWidth + 16 : 8;
    var bottom = legend ? legend.offsetHeight + 16 : 8;
    var choices = [[right, 8], [8, bottom]];
    var best = null;
    var bestZoom = -Infinity;
    choices.forEach(function (corner) {
      var zoom = map.getBoundsZoom(bounds, false, L.point(8 + corner[0], 8 + corner[1]));
      if (zoom > bestZoom) { bestZoom = zoom; best = corner; }
    });
    map.fitBounds(bounds, { paddingTopLeft: [8, 8], paddingBottomRight: best, animate: false });
  }

  function clearHighlight() {
    if (highlighted) { highlighted.entry.geo.resetStyle(highlighted.layer); }
    highlighted = null;
  }

  function applyHighlight(code) {
    var changed = code !== highlightCode;
    highlightCode = code;
    clearHighlight();
    if (!code) { return; }
    for (var i = 0; i < shown.length; i++) {
      var layer = shown[i].spec.interactive ? shown[i].byCode[code] : null;
      if (layer) {
        highlighted = { entry: shown[i], layer: layer };
        layer.setStyle(HIGHLIGHT);
        layer.bringToFront();
        // Chosen elsewhere (search, list): show it. Clicked on the map: leave the view alone.
        if (changed && code !== lastClicked) {
          map.fitBounds(layer.getBounds(), { maxZoom: 10, padding: [40, 40], animate: false });
        }
        return;
      }
    }
  }

  function applyLegend(legend) {
    var wanted = legend ? JSON.stringify(legend) : "";
    if (wanted === legendSignature) { return; }
    legendSignature = wanted;
    if (legendControl) { map.removeControl(legendControl); legendControl = null; }
    if (!legend) { return; }
    legendControl = L.control({ position: "bottomright" });
    legendControl.onAdd = function () {
      var div = L.DomUtil.create("div", "atlas-legend");
      var html = "<b>" + escapeHtml(legend.title) + "</b>";
      legend.labels.forEach(function (label, cls) {
        html += "<i style=\"background:" + colourOf(cls) + "\"></i>" + escapeHtml(label) + "<br>";
      });
      if (legend.missing) {
        html += "<i style=\"background:" + MISSING + "\"></i>" + escapeHtml(legend.missing);
      }
      div.innerHTML = html;
      return div;
    };
    legendControl.addTo(map);
  }

  // Mark the drawing as finished once the canvas has been painted (two animation frames):
  // tests and benchmarks wait for body[data-drawn].
  function markDrawn() {
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        document.body.dataset.drawn = shown.map(function (e) { return e.spec.id; }).join(",");
        document.body.dataset.features = shown.map(function (e) { return e.count; }).join(",");
        document.body.dataset.highlight = highlighted ? highlightCode : "";
        document.body.dataset.renders = String(++renders);
        timings.drawn = performance.now();
      });
    });
  }

  function render(args) {
    if (timings.render === undefined) { timings.render = performance.now(); }
    var h = args.height || 560;
    if (h !== document.getElementById("map").offsetHeight) {
      document.getElementById("map").style.height = h + "px";
      if (map) { map.invalidateSize(); }
    }
    post("streamlit:setFrameHeight", { height: h });
    ensureMap();
    latest = args;
    window.atlasMap.args = args;
    PALETTE = (args.legend && args.legend.colours) ? args.legend.colours : DEFAULT_PALETTE;
    applyLegend(args.legend);
    var loading = showLayers(args.layers || []);
    loading.then(function () {
      if (loading !== pending) { return; }  // a newer layer set is on its way
      applyHighlight(latest.highlight || null);
      markDrawn();
    }).catch(function (error) { console.error(error); });
  }

  window.addEventListener("message", function (event) {
    if (event.data && event.data.type === "streamlit:render") { render(event.data.args); }
  });
  post("streamlit:componentReady", { apiVersion: 1 });
})();
