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
 * GeoJSON or the compact "AtlasLayer" encoding of atlas.maps.web_layers.map_layer (quantised,
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
  var BATCH = 64;           // features per canvas path (see benchmarks/bench_webmap_browser.py)

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
  var highlighted = null;    // {entry}: the entry showing the highlighted feature
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

  // Every feature of an "AtlasLayer" payload into typed arrays, in Web Mercator units of the
  // whole world (u, v in [0, 1], as Leaflet's EPSG:3857 at zoom 0 divided by 256):
  // xy = [u0, v0, u1, v1, ...]; ring r spans vertices ringStart[r] to ringStart[r + 1];
  // feature f spans rings featureRing[f] to featureRing[f + 1]; box = [u0, v0, u1, v1] per
  // feature; polygonStart marks the rings that begin a polygon (for the highlight outline).
  function decodeShapes(data) {
    var n = data.geometry.length;
    var chars = 0;
    for (var f = 0; f < n; f++) { chars += data.geometry[f].length; }
    var xy = new Float64Array(chars + 2);    // a vertex takes at least two characters
    var ringStart = [0];
    var polygonStart = [];
    var featureRing = new Int32Array(n + 1);
    var box = new Float64Array(4 * n);
    var scale = data.scale;
    var PI = Math.PI;
    var nv = 0;
    for (f = 0; f < n; f++) {
      var text = data.geometry[f];
      var x = 0, y = 0, value = 0, shift = 0, haveX = false, dx = 0;
      var u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
      polygonStart.push(true);
      for (var i = 0, m = text.length; i < m; i++) {
        var c = text.charCodeAt(i);
        if (c === COMMA || c === SEMICOLON) {
          ringStart.push(nv);
          polygonStart.push(c === SEMICOLON);
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
        var lat = Math.max(-85.0511287798, Math.min(85.0511287798, y / scale));
        var u = (x / scale + 180) / 360;
        var v = 0.5 - Math.log(Math.tan(PI / 4 + lat * PI / 360)) / (2 * PI);
        xy[2 * nv] = u; xy[2 * nv + 1] = v; nv++;
        if (u < u0) { u0 = u; } if (u > u1) { u1 = u; }
        if (v < v0) { v0 = v; } if (v > v1) { v1 = v; }
      }
      ringStart.push(nv);
      featureRing[f + 1] = ringStart.length - 1;
      box[4 * f] = u0; box[4 * f + 1] = v0; box[4 * f + 2] = u1; box[4 * f + 3] = v1;
    }
    return { xy: xy, ringStart: Int32Array.from(ringStart), polygonStart: polygonStart,
             featureRing: featureRing, box: box, count: n };
  }

  // A uniform grid over the features' boxes, to find the few candidates under the mouse.
  function gridIndex(shapes) {
    var n = shapes.count, box = shapes.box;
    var u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
    for (var f = 0; f < n; f++) {
      u0 = Math.min(u0, box[4 * f]); v0 = Math.min(v0, box[4 * f + 1]);
      u1 = Math.max(u1, box[4 * f + 2]); v1 = Math.max(v1, box[4 * f + 3]);
    }
    var side = Math.max(1, Math.round(Math.sqrt(n / 2)));
    var du = (u1 - u0) / side || 1, dv = (v1 - v0) / side || 1;
    var cells = [];
    for (var k = 0; k < side * side; k++) { cells.push([]); }
    function cell(value, origin, step) {
      return Math.max(0, Math.min(side - 1, Math.floor((value - origin) / step)));
    }
    for (f = 0; f < n; f++) {
      var a = cell(box[4 * f], u0, du), b = cell(box[4 * f + 2], u0, du);
      var c = cell(box[4 * f + 1], v0, dv), d = cell(box[4 * f + 3], v0, dv);
      for (var i = a; i <= b; i++) { for (var j = c; j <= d; j++) { cells[j * side + i].push(f); } }
    }
    return function (u, v) {
      if (u < u0 || u > u1 || v < v0 || v > v1) { return []; }
      return cells[cell(v, v0, dv) * side + cell(u, u0, du)];
    };
  }

  // Is (u, v) inside feature f (even-odd rule over all its rings: parts and holes)?
  function featureContains(shapes, f, u, v) {
    var box = shapes.box, xy = shapes.xy, rs = shapes.ringStart;
    if (u < box[4 * f] || u > box[4 * f + 2] || v < box[4 * f + 1] || v > box[4 * f + 3]) {
      return false;
    }
    var inside = false;
    for (var r = shapes.featureRing[f]; r < shapes.featureRing[f + 1]; r++) {
      for (var i = rs[r], j = rs[r + 1] - 1; i < rs[r + 1]; j = i++) {
        var yi = xy[2 * i + 1], yj = xy[2 * j + 1];
        if ((yi > v) !== (yj > v) &&
            u < (xy[2 * j] - xy[2 * i]) * (v - yi) / (yj - yi) + xy[2 * i]) {
          inside = !inside;
        }
      }
    }
    return inside;
  }

  // All features of a compact layer as one Leaflet path of the canvas renderer: one fill per
  // class (a single path of all the rings of that class, even-odd) and one stroke, instead of
  // a Leaflet polygon per feature. Leaflet still moves, zooms and clears the canvas and
  // dispatches mouse events; hit testing uses the grid above.
  var AtlasShapes = L.Path.extend({
    initialize: function (shapes, fills, options) {
      L.setOptions(this, options);
      this._shapes = shapes;
      this._fills = fills;       // [{style, features: Int32Array}], one per class
      this._find = gridIndex(shapes);
      this.hit = -1;             // the feature under the last point tested
    },
    _project: function () {
      var map = this._map;
      this._k = map.options.crs.scale(map.getZoom());
      this._origin = map.getPixelOrigin();
      var box = this._shapes.box, n = this._shapes.count;
      var u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
      for (var f = 0; f < n; f++) {
        u0 = Math.min(u0, box[4 * f]); v0 = Math.min(v0, box[4 * f + 1]);
        u1 = Math.max(u1, box[4 * f + 2]); v1 = Math.max(v1, box[4 * f + 3]);
      }
      var w = this.options.weight || 0;
      this._pxBounds = n ? L.bounds(
        [u0 * this._k - this._origin.x - w, v0 * this._k - this._origin.y - w],
        [u1 * this._k - this._origin.x + w, v1 * this._k - this._origin.y + w]) : null;
    },
    _update: function () { },
    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing) { return; }
      var ctx = renderer._ctx, view = renderer._redrawBounds || renderer._bounds;
      var shapes = this._shapes, xy = shapes.xy, rs = shapes.ringStart, box = shapes.box;
      var k = this._k, ox = this._origin.x, oy = this._origin.y;
      var pad = (this.options.weight || 0) + 1;
      var minX = (view.min.x - pad + ox) / k, maxX = (view.max.x + pad + ox) / k;
      var minY = (view.min.y - pad + oy) / k, maxY = (view.max.y + pad + oy) / k;
      var stroke = this.options.stroke && this.options.weight > 0;
      var paths = [];
      function trace(path, f) {
        for (var r = shapes.featureRing[f]; r < shapes.featureRing[f + 1]; r++) {
          var a = rs[r], b = rs[r + 1];
          if (b - a < 2) { continue; }
          var px = xy[2 * a] * k - ox, py = xy[2 * a + 1] * k - oy;
          path.moveTo(px, py);
          for (var i = a + 1; i < b; i++) {
            var qx = xy[2 * i] * k - ox, qy = xy[2 * i + 1] * k - oy;
            // Skip a vertex within half a pixel of the last one drawn (but not the last).
            if (i < b - 1 && Math.abs(qx - px) + Math.abs(qy - py) < 0.5) { continue; }
            path.lineTo(qx, qy);
            px = qx; py = qy;
          }
          path.closePath();
        }
      }
      // Features of a class are traced into paths of BATCH features, each filled at once;
      // then every path is stroked, over all the fills.
      for (var g = 0; g < this._fills.length; g++) {
        var group = this._fills[g], features = group.features, path = null, n = 0;
        if (this.options.fill) {
          ctx.globalAlpha = group.style.fillOpacity;
          ctx.fillStyle = group.style.fillColor;
        }
        for (var j = 0; j <= features.length; j++) {
          if (path && (n === BATCH || j === features.length)) {
            paths.push(path);
            if (this.options.fill) { ctx.fill(path, "evenodd"); }
            path = null; n = 0;
          }
          if (j === features.length) { break; }
          var f = features[j];
          if (box[4 * f + 2] < minX || box[4 * f] > maxX ||
              box[4 * f + 3] < minY || box[4 * f + 1] > maxY) { continue; }
          path = path || new Path2D();
          trace(path, f);
          n++;
        }
      }
      if (stroke) {
        ctx.globalAlpha = this.options.opacity;
        ctx.lineWidth = this.options.weight;
        ctx.strokeStyle = this.options.color;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.setLineDash([]);  // the state of the previous layer drawn (dashed frames)
        paths.forEach(function (path) { ctx.stroke(path); });
      }
      ctx.globalAlpha = 1;
    },
    _containsPoint: function (p) {
      var u = (p.x + this._origin.x) / this._k, v = (p.y + this._origin.y) / this._k;
      var candidates = this._find(u, v);
      this.hit = -1;
      for (var i = candidates.length - 1; i >= 0; i--) {
        if (featureContains(this._shapes, candidates[i], u, v)) {
          this.hit = candidates[i];
          return true;
        }
      }
      return false;
    },
    // Leaflet latlngs of feature f (its polygons and their rings), for its highlight outline.
    latLngsOf: function (f) {
      var shapes = this._shapes, xy = shapes.xy, rs = shapes.ringStart, polygons = [];
      for (var r = shapes.featureRing[f]; r < shapes.featureRing[f + 1]; r++) {
        if (shapes.polygonStart[r]) { polygons.push([]); }
        var ring = [];
        for (var i = rs[r]; i < rs[r + 1]; i++) {
          var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * xy[2 * i + 1]))) * 180 / Math.PI;
          ring.push(L.latLng(lat, xy[2 * i] * 360 - 180));
        }
        polygons[polygons.length - 1].push(ring);
      }
      return polygons;
    }
  });

  // A compact payload drawn by one AtlasShapes path (styles "classes" and "outline").
  function buildShapes(spec, data) {
    var shapes = decodeShapes(data);
    var byCode = {};
    var groups = {};
    var order = [];
    for (var f = 0; f < shapes.count; f++) {
      byCode[data.code[f]] = f;
      var key = String(data.cls[f]);
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push(f);
    }
    var fills = order.map(function (key) {
      var cls = groups[key].length ? data.cls[groups[key][0]] : null;
      return { style: STYLES[spec.style]({ properties: { cls: cls } }, spec),
               features: Int32Array.from(groups[key]) };
    });
    var style = STYLES[spec.style]({ properties: { cls: null } }, spec);
    var path = new AtlasShapes(shapes, fills, {
      interactive: !!spec.interactive, fill: style.fill !== false, stroke: true,
      color: style.color, weight: style.weight, opacity: style.opacity
    });
    path.codes = data.code;
    var geo = L.featureGroup([path]);
    var outline = null;
    var bbox = data.bbox;
    var entry = {
      geo: geo, count: shapes.count,
      bounds: bbox ? L.latLngBounds([bbox[1], bbox[0]], [bbox[3], bbox[2]]) : null,
      has: function (code) { return Object.prototype.hasOwnProperty.call(byCode, code); },
      propertiesOf: function (f) {
        return { code: data.code[f], name: data.name[f], cls: data.cls[f] };
      },
      highlight: function (code) {
        outline = L.polygon(path.latLngsOf(byCode[code]),
                            L.extend({ interactive: false, fill: false }, HIGHLIGHT));
        outline.addTo(map);
        return outline.getBounds();
      },
      unhighlight: function () {
        if (outline) { map.removeLayer(outline); outline = null; }
      }
    };
    if (spec.interactive) {
      // One tooltip, its text changed when the mouse enters another feature (text only).
      // It follows every mouse move over the map, from the DOM: Leaflet's canvas hover events
      // are throttled (32 ms) and may miss the last move. A hit test costs about 10 µs.
      var tip = L.tooltip({ direction: "top", offset: [0, -8] });
      var shownFeature = -1;
      var hide = function () {
        shownFeature = -1;
        if (map.hasLayer(tip)) { map.closeTooltip(tip); }
      };
      var follow = function (event) {
        var point = map.mouseEventToLayerPoint(event);
        var overControl = event.target.closest && event.target.closest(".leaflet-control");
        if (overControl || map.dragging.moving() || !path._containsPoint(point)) {
          hide();
          return;
        }
        if (path.hit !== shownFeature) {
          shownFeature = path.hit;
          tip.setContent(tooltipOf({ feature: { properties: entry.propertiesOf(path.hit) } }));
        }
        tip.setLatLng(map.layerPointToLatLng(point));
        if (!map.hasLayer(tip)) { tip.openOn(map); }
      };
      path.on("add", function () {
        L.DomEvent.on(map.getContainer(), "mousemove", follow);
        L.DomEvent.on(map.getContainer(), "mouseleave", hide);
      });
      path.on("remove", function () {
        L.DomEvent.off(map.getContainer(), "mousemove", follow);
        L.DomEvent.off(map.getContainer(), "mouseleave", hide);
        hide();
      });
    }
    return entry;
  }

  // Shared handlers of an interactive layer group: one tooltip function, one click handler.
  function makeInteractive(geo, spec, tooltips) {
    if (tooltips) {
      geo.bindTooltip(tooltipOf, { sticky: true, direction: "top", offset: [0, -8] });
    }
    geo.on("click", function (event) {
      var code = codeOf(event.layer);
      if (code === null) { return; }
      lastClicked = code;
      timings = { click: performance.now() };
      post("streamlit:setComponentValue", {
        value: { code: code, layer: spec.id, t: Date.now() }, dataType: "json"
      });
    });
  }

  // The code of the feature clicked: a Leaflet polygon's, or the one AtlasShapes hit.
  function codeOf(layer) {
    if (layer.feature) { return layer.feature.properties.code; }
    return layer.hit >= 0 ? layer.codes[layer.hit] : null;
  }

  // An entry whose features are Leaflet polygons: highlight one by restyling it.
  function polygonEntry(geo, byCode, count, bounds, restyle) {
    var current = null;
    return {
      geo: geo, count: count, bounds: bounds,
      has: function (code) { return Object.prototype.hasOwnProperty.call(byCode, code); },
      highlight: function (code) {
        current = byCode[code];
        current.setStyle(HIGHLIGHT);
        current.bringToFront();
        return current.getBounds();
      },
      unhighlight: function () {
        if (current) { restyle(current); current = null; }
      }
    };
  }

  function buildGeoJSON(spec, data) {
    var byCode = {};
    var geo = L.geoJSON(data, {
      interactive: !!spec.interactive,
      style: function (feature) { return STYLES[spec.style](feature, spec); },
      onEachFeature: function (feature, layer) { byCode[feature.properties.code] = layer; }
    });
    return polygonEntry(geo, byCode, data.features.length,
                        data.features.length ? geo.getBounds() : null,
                        function (layer) { geo.resetStyle(layer); });
  }

  function buildEntry(spec, data) {
    var compact = data.type === "AtlasLayer";
    if (compact && spec.style === "frame") {  // frames carry labels: GeoJSON features
      throw new Error("layer " + spec.id + ": inset frames must be GeoJSON, not AtlasLayer");
    }
    var entry = compact ? buildShapes(spec, data) : buildGeoJSON(spec, data);
    entry.spec = spec;
    if (spec.interactive) { makeInteractive(entry.geo, spec, !entry.propertiesOf); }
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
      if (!/\.gz$/.test(spec.url)) { return response.text(); }
      // Layers are stored gzip-compressed (served as they are, without work on the server).
      return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text();
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
    if (highlighted) { highlighted.entry.unhighlight(); }
    highlighted = null;
  }

  function applyHighlight(code) {
    var changed = code !== highlightCode;
    highlightCode = code;
    clearHighlight();
    if (!code) { return; }
    for (var i = 0; i < shown.length; i++) {
      var entry = shown[i];
      if (entry.spec.interactive && entry.has(code)) {
        highlighted = { entry: entry };
        var bounds = entry.highlight(code);
        // Chosen elsewhere (search, list): show it. Clicked on the map: leave the view alone.
        if (changed && code !== lastClicked) {
          map.fitBounds(bounds, { maxZoom: 10, padding: [40, 40], animate: false });
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
      if (legend.note) { div.appendChild(textElement("div", legend.note, "atlas-legend-note")); }
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
