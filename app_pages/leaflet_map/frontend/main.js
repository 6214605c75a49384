/* Offline Leaflet map of the atlas: a Streamlit custom component (components v1).
 *
 * The component protocol is implemented by hand (no build step, no npm):
 *   - we post {isStreamlitMessage, type: "streamlit:componentReady", apiVersion: 1};
 *   - Streamlit posts "streamlit:render" events whose `args` are
 *       {layers: [{id, url, style, interactive, fit, weight}], highlight, legend, height};
 *   - a click on an interactive feature posts "streamlit:setComponentValue" with
 *       {code, layer, t}: only clicks rerun the app, panning and zooming stay here;
 *   - "streamlit:setFrameHeight" sizes the iframe.
 * Each layer is fetched from `url`, a content-addressed file that Streamlit serves next to
 * this page: a rerun sends a few hundred bytes, and the browser caches the layers. A layer is
 * GeoJSON or the compact "AtlasLayer" encoding of atlas.webmap.map_layer (quantised,
 * delta-encoded base64url integers), decoded here straight into Leaflet polygons.
 * No base map, no tiles, no CDN: borders are drawn from the atlas' own geometries on a canvas.
 *
 * Standalone (benchmarks): index.html?atlasArgs=<url of a JSON file of render arguments>
 * renders those arguments without Streamlit.
 * When every layer is painted, body[data-drawn] holds the ids of the layers shown,
 * body[data-features] their feature counts and body[data-feature-count] their total.
 */
(function () {
  "use strict";

  // Sequential palette (ColorBrewer YlOrRd, 7 classes); class indices come from Python.
  var DEFAULT_PALETTE = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#f03b20",
                         "#bd0026"];
  var PALETTE = DEFAULT_PALETTE;  // a legend may bring its own colours, one per class
  var MISSING = "#bdbdbd";   // fallback when the canvas hatch cannot be made
  var HATCH_INK = "#8c8c8c";
  var HATCH_PAPER = "#e6e6e6";
  // The legend swatch of missing values: the same hatch as on the canvas, in CSS.
  var HATCH_CSS = "repeating-linear-gradient(-45deg, " + HATCH_INK + " 0 1.3px, " +
                  HATCH_PAPER + " 1.3px 4.2px)";
  var hatchPattern = null;
  var HIGHLIGHT = { color: "#0033cc", weight: 3.5, opacity: 1 };
  var MAX_CACHED_LAYERS = 8;
  var SMOOTH_FACTOR = 1.0;  // Leaflet's default; see benchmarks/bench_webmap_browser.py

  var STYLES = {
    classes: function (feature, spec) {
      return {
        fillColor: fillOf(feature.properties.cls), fillOpacity: 0.88,
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

  // Missing class: diagonal hatching. Leaflet's canvas renderer does
  // `ctx.fillStyle = options.fillColor`, so a CanvasPattern serves as a fill colour.
  function fillOf(cls) {
    if (cls !== null && cls !== undefined) { return colourOf(cls); }
    if (!hatchPattern) {
      try {
        var tile = document.createElement("canvas");
        tile.width = 6; tile.height = 6;
        var g = tile.getContext("2d");
        g.fillStyle = HATCH_PAPER;
        g.fillRect(0, 0, 6, 6);
        g.strokeStyle = HATCH_INK;
        g.lineWidth = 1.3;
        g.beginPath();
        g.moveTo(0, 6); g.lineTo(6, 0);
        g.moveTo(-1, 1); g.lineTo(1, -1);
        g.moveTo(5, 7); g.lineTo(7, 5);
        g.stroke();
        hatchPattern = g.createPattern(tile, "repeat") || MISSING;
      } catch (e) {
        hatchPattern = MISSING;
      }
    }
    return hatchPattern;
  }

  // Text into a new element, never parsed as HTML.
  function textElement(tag, text, className) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    element.textContent = text;
    return element;
  }

  // Tooltip of a feature: its `name` (the tooltip text built in Python, possibly over several
  // lines), the first line in bold, and its code.
  function tooltipOf(layer) {
    var p = layer.feature.properties;
    var lines = String(p.name === null || p.name === undefined ? p.code : p.name).split("\n");
    var div = textElement("div", "", "atlas-tip");
    div.appendChild(textElement("b", lines[0]));
    div.appendChild(textElement("span", " (" + p.code + ")", "atlas-tip-code"));
    for (var i = 1; i < lines.length; i++) {
      div.appendChild(document.createElement("br"));
      div.appendChild(document.createTextNode(lines[i]));
    }
    return div;
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

  // Digits of the compact encoding (base64url), by character code.
  var DIGIT = (function () {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    var table = new Int8Array(128).fill(-1);
    for (var i = 0; i < alphabet.length; i++) { table[alphabet.charCodeAt(i)] = i; }
    return table;
  })();
  var COMMA = 44;
  var SEMICOLON = 59;

  // One feature's geometry string of an "AtlasLayer" payload (see atlas.webmap.LAYER_TYPE)
  // into Leaflet latlngs: [ring, ...] for one polygon, [[ring, ...], ...] for several.
  function decodeGeometry(text, scale) {
    var polygons = [];
    var rings = [];
    var ring = [];
    var x = 0, y = 0, value = 0, shift = 0, haveX = false, dx = 0;
    for (var i = 0, n = text.length; i < n; i++) {
      var c = text.charCodeAt(i);
      if (c === COMMA || c === SEMICOLON) {
        rings.push(ring);
        ring = [];
        if (c === SEMICOLON) { polygons.push(rings); rings = []; }
        continue;
      }
      var chunk = DIGIT[c];
      value |= (chunk & 31) << shift;
      if (chunk & 32) { shift += 5; continue; }
      var number = (value & 1) ? -((value + 1) / 2) : value / 2;
      value = 0; shift = 0;
      if (!haveX) { dx = number; haveX = true; continue; }
      haveX = false;
      x += dx; y += number;
      ring.push(new L.LatLng(y / scale, x / scale));
    }
    rings.push(ring);
    polygons.push(rings);
    return polygons.length === 1 ? polygons[0] : polygons;
  }

  // Shared handlers of an interactive layer group: one tooltip function, one click handler.
  function makeInteractive(geo, spec) {
    geo.bindTooltip(tooltipOf, { sticky: true, direction: "top", offset: [0, -8] });
    geo.on("click", function (event) {
      var code = event.layer.feature.properties.code;
      lastClicked = code;
      timings = { click: performance.now() };
      post("streamlit:setComponentValue", {
        value: { code: code, layer: spec.id, t: Date.now() }, dataType: "json"
      });
    });
  }

  // A compact payload: polygons built directly (no GeoJSON objects, no per-feature closure),
  // sharing one options object per class; the canvas clips by itself (noClip).
  function buildCompact(spec, data) {
    var byCode = {};
    var styleOf = {};
    var layers = new Array(data.code.length);
    var base = { interactive: !!spec.interactive, noClip: true, smoothFactor: SMOOTH_FACTOR };
    function optionsOf(cls) {
      var key = String(cls);
      if (!styleOf[key]) {
        var style = STYLES[spec.style]({ properties: { cls: cls } }, spec);
        for (var k in base) { style[k] = base[k]; }
        styleOf[key] = style;
      }
      return styleOf[key];
    }
    for (var i = 0; i < layers.length; i++) {
      var cls = data.cls[i];
      var polygon = new L.Polygon(decodeGeometry(data.geometry[i], data.scale), optionsOf(cls));
      polygon.feature = { properties: { code: data.code[i], name: data.name[i], cls: cls } };
      byCode[data.code[i]] = polygon;
      layers[i] = polygon;
    }
    var geo = L.featureGroup(layers);
    var bbox = data.bbox;
    return {
      geo: geo, byCode: byCode, count: layers.length,
      bounds: bbox ? L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]) : null,
      restyle: function (layer) { layer.setStyle(optionsOf(layer.feature.properties.cls)); }
    };
  }

  function buildGeoJSON(spec, data) {
    var byCode = {};
    var geo = L.geoJSON(data, {
      interactive: !!spec.interactive,
      style: function (feature) { return STYLES[spec.style](feature, spec); },
      onEachFeature: function (feature, layer) { byCode[feature.properties.code] = layer; }
    });
    return {
      geo: geo, byCode: byCode, count: data.features.length,
      bounds: data.features.length ? geo.getBounds() : null,
      restyle: function (layer) { geo.resetStyle(layer); }
    };
  }

  function buildEntry(spec, data) {
    var entry = data.type === "AtlasLayer" ? buildCompact(spec, data) : buildGeoJSON(spec, data);
    entry.spec = spec;
    if (spec.interactive) { makeInteractive(entry.geo, spec); }
    entry.labels = null;
    if (spec.style === "frame") {
      entry.labels = L.layerGroup();
      entry.geo.eachLayer(function (layer) {
        var b = layer.getBounds();
        var icon = L.divIcon({  // the name as text, never parsed as HTML
          className: "atlas-inset-label", iconSize: null, iconAnchor: [-4, -3],
          html: textElement("span", String(layer.feature.properties.name))
        });
        entry.labels.addLayer(L.marker([b.getNorth(), b.getWest()],
                                       { interactive: false, keyboard: false, icon: icon }));
      });
    }
    return entry;
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
    var started = performance.now();
    return fetch(spec.url).then(function (response) {
      if (!response.ok) { throw new Error("couche " + spec.id + " : HTTP " + response.status); }
      return response.text();
    }).then(function (text) {
      var fetched = performance.now();
      var data = JSON.parse(text);
      var parsed = performance.now();
      var entry = buildEntry(spec, data);
      var built = performance.now();
      // Per layer: download, JSON parse, decode and Leaflet layers (ms); and the last ends.
      timings.layers = timings.layers || {};
      timings.layers[spec.id] = { download: fetched - started, parse: parsed - fetched,
                                  build: built - parsed };
      timings.parsed = Math.max(timings.parsed || 0, parsed);
      timings.built = Math.max(timings.built || 0, built);
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
        if (entry.spec.fit && entry.bounds) {
          bounds = bounds ? bounds.extend(entry.bounds)
            : L.latLngBounds(entry.bounds.getSouthWest(), entry.bounds.getNorthEast());
        }
      });
      if (bounds) { fitClearOfLegend(bounds); }
      entries.forEach(function (entry) {
        entry.geo.addTo(map);
        if (entry.labels) { entry.labels.addTo(map); }
      });
      timings.shown = performance.now();
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
    if (highlighted) { highlighted.entry.restyle(highlighted.layer); }
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
      div.appendChild(textElement("b", legend.title));
      function row(background, label, className) {
        var line = textElement("div", "", className);
        var swatch = document.createElement("i");
        swatch.style.background = background;
        line.appendChild(swatch);
        line.appendChild(document.createTextNode(label));
        div.appendChild(line);
      }
      legend.labels.forEach(function (label, cls) { row(colourOf(cls), label); });
      if (legend.missing) { row(HATCH_CSS, legend.missing, "atlas-legend-missing"); }
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
        document.body.dataset.featureCount = String(shown.reduce(function (total, e) {
          return total + e.count;
        }, 0));
        document.body.dataset.highlight = highlighted ? highlightCode : "";
        document.body.dataset.renders = String(++renders);
        timings.drawn = performance.now();
        timings.paint = timings.drawn - timings.shown;
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
  var standalone = new URLSearchParams(window.location.search).get("atlasArgs");
  if (standalone) {
    fetch(standalone).then(function (response) { return response.json(); }).then(render);
  } else {
    post("streamlit:componentReady", { apiVersion: 1 });
  }
})();
