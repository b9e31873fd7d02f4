/* frontline: the map page's own script. It reads the page's data (built by
 * geo/_render_layers.py) and draws places, events, zones and the front line for the slider's
 * date. Every string in the data is already HTML-escaped; this script only joins those strings
 * with its own markup, and writes anything taken from the address bar as text. */
(function () {
  'use strict';
  var DAY = 86400000;
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
    'September', 'October', 'November', 'December'];
  var PRECISION = ['day', 'month', 'year'];

  function pretty(t) {
    var d = new Date(t);
    return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }
  function iso(t) { return new Date(t).toISOString().slice(0, 10); }
  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  // The last index i with a[i] <= x (a sorted), or -1.
  function floorIndex(a, x, key) {
    var lo = 0, hi = a.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if ((key ? key(a[mid]) : a[mid]) <= x) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }
  function rectsOverlap(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function Geometry(topo) {
    var ox = topo.origin[0], oy = topo.origin[1], g = topo.grid;
    var arcs = [], polys = [], lines = [];
    function arc(i) {
      var a = arcs[i];
      if (!a) {
        var raw = topo.arcs[i], x = 0, y = 0;
        a = new Array(raw.length / 2);
        for (var k = 0; k < raw.length; k += 2) {
          x += raw[k]; y += raw[k + 1];
          a[k / 2] = L.latLng(oy + y * g, ox + x * g);
        }
        arcs[i] = a;
      }
      return a;
    }
    function path(refs) {
      var out = [];
      for (var n = 0; n < refs.length; n++) {
        var r = refs[n], a = arc(r < 0 ? ~r : r);
        if (r < 0) { a = a.slice().reverse(); }
        for (var k = n ? 1 : 0; k < a.length; k++) { out.push(a[k]); }
      }
      return out;
    }
    this.polygon = function (p) { return polys[p] || (polys[p] = topo.polygons[p].map(path)); };
    this.line = function (l) { return lines[l] || (lines[l] = topo.lines[l].map(path)); };
    // Decode what the slider will need while the reader looks at the map, a slice at a time,
    // so the first moves of the slider do not pay for it.
    var next = 0, total = topo.polygons.length + topo.lines.length, self = this;
    this.warm = function (deadline) {
      while (next < total && deadline.timeRemaining() > 2) {
        if (next < topo.polygons.length) { self.polygon(next); } else {
          self.line(next - topo.polygons.length);
        }
        next += 1;
      }
      return next < total;
    };
  }

  // Leaflet's canvas renderer, plus layers that clear what is under them (flErase).
  var ZoneCanvas = L.Canvas.extend({
    _fillStroke: function (ctx, layer) {
      if (!layer.options.flErase) { return L.Canvas.prototype._fillStroke.call(this, ctx, layer); }
      ctx.globalCompositeOperation = 'destination-out';
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#000';
      ctx.fill('nonzero');
      ctx.globalCompositeOperation = 'source-over';
    }
  });
  // A second drawing of another path's projected points (its master's): a zone's fill over
  // its outline, the front line over its halo, without projecting the points twice.
  var Echo = L.Polygon.extend({
    initialize: function (master, options) {
      this._master = master;
      L.Polygon.prototype.initialize.call(this, [], options);
    },
    _project: function () { this._update(); },
    _update: function () {
      this._parts = this._master._parts || [];
      this._pxBounds = this._master._pxBounds || L.bounds([0, 0], [0, 0]);
    },
    _updatePath: function () { this._renderer._updatePoly(this, !this.options.flOpen); },
    _empty: function () { return !this._parts || !this._parts.length; },
    _containsPoint: function () { return false; }
  });
  // An event marker drawn on a canvas: a disc of the side's colour with a white ring and the
  // kind's glyph, at an offset from its place (so the markers of one place sit side by side).
  var EventMark = L.CircleMarker.extend({
    _updatePath: function () { this._renderer._updateEvent(this); },
    _centre: function () { return this._point.add(this.options.flOffset); },
    _updateBounds: function () {
      var r = this._radius + this._clickTolerance(), c = this._centre();
      this._pxBounds = L.bounds(c.subtract([r, r]), c.add([r, r]));
    },
    _containsPoint: function (p) { return p.distanceTo(this._centre()) <= this._radius + 2; }
  });
  var EventCanvas = L.Canvas.extend({
    _updateEvent: function (layer) {
      if (!this._drawing || layer._empty()) { return; }
      var o = layer.options, ctx = this._ctx, c = layer._centre();
      var far = o.flSmall && this._map.getZoom() < 7, r = far ? 4.5 : layer._radius;
      ctx.globalAlpha = o.flSmall ? 0.9 : 1;
      ctx.beginPath();
      ctx.arc(c.x, c.y, r, 0, 2 * Math.PI);
      ctx.fillStyle = o.fillColor;
      ctx.shadowColor = 'rgba(0,0,0,.45)';
      ctx.shadowBlur = 3;
      ctx.shadowOffsetY = 1;
      ctx.fill();
      ctx.shadowColor = 'transparent';
      ctx.lineWidth = far ? 1 : o.flSmall ? 1.5 : 2;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      if (!far) { drawGlyph(ctx, o.flGlyph, c, 2 * r - 8); }
      ctx.globalAlpha = 1;
    }
  });
  var glyphPaths = {};
  // A kind's glyph (16x16 units: [path data, stroke width or 0 to fill]) at size px.
  function drawGlyph(ctx, glyph, c, size) {
    ctx.save();
    ctx.translate(c.x - size / 2, c.y - size / 2);
    ctx.scale(size / 16, size / 16);
    ctx.fillStyle = ctx.strokeStyle = '#fff';
    glyph.forEach(function (g) {
      var path = glyphPaths[g[0]] || (glyphPaths[g[0]] = new Path2D(g[0]));
      if (g[1]) { ctx.lineWidth = g[1]; ctx.lineCap = 'round'; ctx.stroke(path); } else { ctx.fill(path); }
    });
    ctx.restore();
  }
  // Diagonal stripes of two colours, the canvas twin of the page's SVG #fl-hatch.
  function stripes(a, b) {
    var c = document.createElement('canvas');
    c.width = c.height = 8;
    var ctx = c.getContext('2d');
    ctx.fillStyle = a;
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = b;
    ctx.lineWidth = 2.9;
    [[-4, 4, 4, -4], [0, 8, 8, 0], [4, 12, 12, 4]].forEach(function (l) {
      ctx.beginPath(); ctx.moveTo(l[0], l[1]); ctx.lineTo(l[2], l[3]); ctx.stroke();
    });
    return ctx.createPattern(c, 'repeat');
  }

  function start(map, data, ui) {
    var T0 = Date.parse(data.t0 + 'T00:00:00Z'), N = data.n, END = T0 + N * DAY;
    var FIRST = data.first === null ? 0 : Math.max(0, Math.min(N, data.first));
    var sides = data.sides, src = data.src, text = src.text, P = data.places, E = data.events;
    var geometry = new Geometry(data.topo);
    var today = null, period = -1, booting = true;
    function when(d) { return pretty(T0 + d * DAY); }
    function clampDay(d) { return Math.max(0, Math.min(N, d)); }

    // -- popups: pre-escaped strings joined with our markup ----------------------------------
    function badge(code) {
      var s = sides[code];
      if (!s) { return ''; }
      if (s.id === 'contested') { return '<span class="fl-badge fl-badge-contested">Contested</span>'; }
      if (s.id === 'unknown') { return '<span class="fl-badge fl-badge-unknown">Unknown</span>'; }
      return '<span class="fl-badge" style="background:' + s.colour + '">' + s.short + '</span>';
    }
    function meta(html) { return '<div class="fl-meta">' + html + '</div>'; }
    function note(html) { return '<div class="fl-note">' + html + '</div>'; }
    function sourceItem(r) {
      var row = src.refs[r], doc = src.docs[row[0]];
      var outlet = text[doc[0]] || 'outlet not recorded';
      var link = doc[1] >= 0 ? '<a href="' + text[doc[1]] +
        '" target="_blank" rel="noopener noreferrer">' + outlet + '</a>' : outlet;
      var kind = row[4] >= 0 ? '<span class="fl-kind">' + src.kinds[row[4]] + '</span> ' : '';
      var quote = text[row[1]] ? '<q>' + text[row[1]] + '</q>' : '';
      var date = text[row[2]] ? ', ' + text[row[2]] : '';
      var who = row.length > 6 && row[6] >= 0 && sides[row[6]] ?
        (row[6] === row[3] ? ', its own claim' : ', as ' + sides[row[6]].short + ' says') : '';
      return '<li>' + kind + quote + '<span class="fl-src">' + link + date + who + '</span></li>';
    }
    // Independent sources: reprints of one story (one source group) count once.
    function independent(ids) {
      var groups = {};
      ids.forEach(function (r) { var row = src.refs[r]; groups[row.length > 5 ? row[5] : row[0]] = 1; });
      return Object.keys(groups).length;
    }
    // Reports grouped by the side they are about (the holder's first); each report once.
    function bySide(ids, first) {
      var groups = {}, order = [];
      ids.forEach(function (r) {
        var s = src.refs[r][3];
        if (!(s in groups)) { groups[s] = []; order.push(s); }
        groups[s].push(r);
      });
      order.sort(function (a, b) { return a === first ? -1 : b === first ? 1 : a - b; });
      return order.map(function (s) {
        var head = order.length > 1 && s >= 0 ? '<div class="fl-sub-sec">' + badge(s) + '</div>' : '';
        return head + '<ol class="fl-sources">' + groups[s].map(sourceItem).join('') + '</ol>';
      }).join('');
    }
    function section(title, ids, first) {
      if (!ids.length) { return ''; }
      return '<div class="fl-sec">' + title + ': ' + plural(independent(ids), 'independent source') +
        '</div>' + bySide(ids, first);
    }
    function sourceList(title, ids) {
      if (!ids.length) { return ''; }
      return '<div class="fl-sec">' + title + '</div><ol class="fl-sources">' +
        ids.map(sourceItem).join('') + '</ol>';
    }
    function entryOf(i) {
      var tl = P[i][5], k = floorIndex(tl, today, function (e) { return e[0]; });
      return k < 0 ? null : tl[k];
    }
    function isStale(e, d) {
      return (e[4] & 2) !== 0 || (e[3] !== null && d - e[3] > data.stale);
    }
    function placePopup(i) {
      var p = P[i], e = entryOf(i);
      if (!e) { return '<div class="fl-pop"><div class="fl-place">' + p[0] + '</div></div>'; }
      var s = sides[e[1]], status = e.length > 7 ? e[7] : null, conf = e.length > 8 ? e[8] : null;
      var head = !s || !s.held ? badge(e[1]) : status === 'claimed' ?
        'Claimed by ' + badge(e[1]) + ' (unconfirmed)' : 'Held by ' + badge(e[1]);
      if (conf !== null && s && s.id !== 'unknown') {
        head += ' <span class="fl-prec">confidence ' + conf.toFixed(2) +
          (e[0] < today ? ' on ' + when(Math.max(0, e[0])) : '') + '</span>';
      }
      var html = '<div class="fl-pop"><div class="fl-place">' + p[0] + '</div><div class="fl-head">' +
        head + '</div>';
      if (e[2] !== null) { html += meta('Since ' + when(e[2])); } else if (e[4] & 1) {
        html += meta('Since before the period mapped');
      }
      if (e[3] !== null) { html += meta('Last report ' + when(e[3])); }
      if (isStale(e, today)) { html += note('No recent report: the situation may have changed.'); }
      if (e[4] & 1) { html += note('From the baseline of known positions.'); }
      var evidence = src.lists[e[5]], against = src.lists[e[6]].filter(function (r) {
        return evidence.indexOf(r) < 0;
      });
      return html + section('For', evidence, e[1]) + section('Against', against, -1) + '</div>';
    }
    function placeTip(i) {
      var e = entryOf(i), s = e && sides[e[1]];
      return P[i][0] + (s ? ' · ' + (s.id === 'contested' ? 'contested' : s.short) : '') +
        (e && isStale(e, today) ? ' (no recent report)' : '');
    }
    function eventPopup(j) {
      var ev = E[j], kind = data.kinds[ev[1]], n = ev[8];
      var html = '<div class="fl-pop"><div class="fl-head">' + badge(ev[2]) + ' <b>' + kind[1] +
        '</b></div><div class="fl-place">' + P[ev[0]][0] + '</div>' +
        meta(text[ev[3]] + ' <span class="fl-prec">(' + PRECISION[ev[4]] + ' precision)</span>');
      if (ev[9]) {
        html += note('On the map from ' + when(ev[5]) + ' (the first report; the exact day is unknown)');
      }
      html += meta('Reported by ' + plural(n, 'article') + (n === 1 ? ' (uncorroborated)' : ''));
      return html + sourceList('Sources', src.lists[ev[10]]) +
        sourceList('Conflicting reports', src.lists[ev[11]]) + '</div>';
    }
    function eventTip(j) {
      var ev = E[j], s = sides[ev[2]];
      return [data.kinds[ev[1]][1], P[ev[0]][0], s ? s.short : '', text[ev[3]]].join(' · ');
    }
    var padTL = L.point(56, 56), padBR = L.point(16, 120);
    function popupOptions() {
      return {maxWidth: Math.max(160, Math.min(340, window.innerWidth - 130)), autoPan: true,
        autoPanPaddingTopLeft: padTL, autoPanPaddingBottomRight: padBR};
    }

    // -- zones and the front line: pieces of the shared topology, by period -------------------
    var zoneRuns = data.zones, frontRuns = data.front, zoneSides = [];
    for (var z = 0; z < zoneRuns.length; z += 4) {
      if (zoneSides.indexOf(zoneRuns[z + 1]) < 0) { zoneSides.push(zoneRuns[z + 1]); }
    }
    zoneSides.sort(function (a, b) { return a - b; });
    var outlines = {}, erasers = {}, fills = {}, zonesLayer = L.layerGroup();
    // Zones, the front line and the places share one canvas: a slider step redraws it once,
    // and the browser composites one layer for all of them. Each side's zone is drawn as its
    // outline, then the inside of its cells is cleared and filled once, translucent: the cells
    // merge into one even tint with an outline only on the outside.
    var canvas = new ZoneCanvas({pane: 'fl-zones', padding: 0.1});
    var hatch = stripes(ui.hatch[0], ui.hatch[1]);
    function zoneOptions(s, extra) {
      return L.extend({pane: 'fl-zones', renderer: canvas, interactive: false}, extra);
    }
    zoneSides.forEach(function (s) {
      outlines[s] = L.polygon([], zoneOptions(s, {fill: false, color: sides[s].line, weight: 3,
        opacity: 0.55, lineJoin: 'round'}));
    });
    zoneSides.forEach(function (s) {
      erasers[s] = new Echo(outlines[s], zoneOptions(s, {stroke: false, fillRule: 'nonzero',
        flErase: true}));
    });
    zoneSides.forEach(function (s) {
      var contested = sides[s].id === 'contested';
      fills[s] = new Echo(outlines[s], zoneOptions(s, {stroke: false, fillRule: 'nonzero',
        fillColor: contested ? hatch : sides[s].colour, fillOpacity: contested ? 0.55 : 0.34}));
    });
    [outlines, erasers, fills].forEach(function (group) {
      zoneSides.forEach(function (s) { zonesLayer.addLayer(group[s]); });
    });
    var halo = L.polyline([], zoneOptions(0, {color: '#fff', weight: 7.5, opacity: 0.8,
      lineCap: 'round', lineJoin: 'round'}));
    var frontLine = L.layerGroup([halo, new Echo(halo, zoneOptions(0, {color: '#141414',
      weight: 4.5, opacity: 0.95, lineCap: 'round', lineJoin: 'round', fill: false,
      flOpen: true}))]);
    function drawGeometry(k) {
      if (k === period) { return; }
      period = k;
      var rings = {};
      zoneSides.forEach(function (s) { rings[s] = []; });
      for (var i = 0; i < zoneRuns.length; i += 4) {
        if (zoneRuns[i + 2] <= k && k <= zoneRuns[i + 3]) {
          Array.prototype.push.apply(rings[zoneRuns[i + 1]], geometry.polygon(zoneRuns[i]));
        }
      }
      zoneSides.forEach(function (s) {
        outlines[s].setLatLngs(rings[s]);
        erasers[s].redraw();
        fills[s].redraw();
      });
      var parts = [];
      for (var j = 0; j < frontRuns.length; j += 3) {
        if (frontRuns[j + 1] <= k && k <= frontRuns[j + 2]) {
          Array.prototype.push.apply(parts, geometry.line(frontRuns[j]));
        }
      }
      halo.setLatLngs(parts);
      frontLine.eachLayer(function (l) { if (l !== halo) { l.redraw(); } });
    }

    // -- places: one marker each, restyled by date ---------------------------------------------
    var placesLayer = L.layerGroup(), markers = [], styled = [];
    P.forEach(function (p, i) {
      if (!p[5].length) { return; }
      var m = L.circleMarker([p[1], p[2]], {pane: 'fl-zones', renderer: canvas,
        radius: (p[3] & 1) ? 6 : 4.5, weight: 1.6, color: '#fff', fillOpacity: 0.95});
      m.bindPopup(function () { return placePopup(i); }, popupOptions());
      m.bindTooltip(function () { return placeTip(i); }, {direction: 'top', offset: [0, -6]});
      m.flPlace = i;
      markers[i] = m;
    });
    function placeStyle(code, stale) {
      var s = sides[code], style;
      if (s.id === 'contested') {
        style = {fillColor: hatch, color: '#222', weight: 1.5, fillOpacity: 1};
      } else if (s.id === 'unknown') {
        style = {fillColor: '#9a9a9a', color: '#555', weight: 1.4, fillOpacity: 0.6};
      } else {
        style = {fillColor: s.colour, color: '#fff', weight: 1.6, fillOpacity: 0.95};
      }
      style.dashArray = stale ? '2 2' : null;
      if (stale) { style.color = '#555'; style.fillOpacity = Math.min(style.fillOpacity, 0.45); }
      return style;
    }
    function drawPlaces(d) {
      markers.forEach(function (m, i) {
        var e = entryOf(i), key = e ? e[1] * 2 + (isStale(e, d) ? 1 : 0) : -1;
        if (key === styled[i]) { return; }
        styled[i] = key;
        if (key < 0) { placesLayer.removeLayer(m); return; }
        m.setStyle(placeStyle(e[1], key % 2 === 1));
        if (!placesLayer.hasLayer(m)) { placesLayer.addLayer(m); }
      });
      markers.forEach(function (m) {
        if (m.isPopupOpen && m.isPopupOpen()) { m.setPopupContent(placePopup(m.flPlace)); }
      });
    }

    // -- events: markers for a few days after each change; activity in its own layer ----------
    // Drawn on a canvas of their own (one redraw a step, however many there are); each is a
    // Leaflet path, so clicks, popups and tooltips work as for any marker.
    var changesLayer = L.layerGroup(), activityLayer = L.layerGroup(), longest = 0;
    var eventCanvas = new EventCanvas({pane: 'fl-events', padding: 0.1});
    var marks = {}, shownMarks = {};
    E.forEach(function (ev) { longest = Math.max(longest, ev[6] - ev[5]); });
    function groupOf(j) { return data.kinds[E[j][1]][2] ? activityLayer : changesLayer; }
    function mark(j) {
      if (!marks[j]) {
        var ev = E[j], kind = data.kinds[ev[1]], small = kind[2];
        var m = new EventMark([P[ev[0]][1], P[ev[0]][2]], {renderer: eventCanvas,
          pane: 'fl-events', radius: small ? 8 : 10, flKind: kind[0], flSmall: small,
          flGlyph: ui.glyphs[kind[0]] || ui.glyphs.control_claim, flOffset: L.point(0, 0),
          fillColor: sides[ev[2]] ? sides[ev[2]].colour : '#888', color: '#fff'});
        m.bindPopup(function () { return eventPopup(j); }, popupOptions());
        m.bindTooltip(function () { return eventTip(j); }, {direction: 'top', offset: [0, -12]});
        m.flEvent = j;
        marks[j] = m;
      }
      return marks[j];
    }
    function drawEvents(d) {
      var now = {}, hi = floorIndex(E, d, function (ev) { return ev[5]; });
      for (var j = hi; j >= 0 && E[j][5] > d - longest; j--) {
        if (E[j][6] > d) { now[j] = true; }
      }
      Object.keys(shownMarks).forEach(function (k) {
        if (!now[k]) { groupOf(+k).removeLayer(marks[k]); }
      });
      Object.keys(now).forEach(function (k) {
        if (!shownMarks[k]) { groupOf(+k).addLayer(mark(+k)); }
      });
      shownMarks = now;
      layoutEvents();
    }
    // Markers of one place, or of places close together, would cover each other: each takes
    // the first free spot in rows to the upper left of its place, changes before activity and
    // the newest first. Redone at each date and zoom; the markers' own slots order ties.
    var eventRects = [];
    function layoutEvents() {
      var placed = eventRects = [], items = [];
      Object.keys(shownMarks).forEach(function (k) {
        if (map.hasLayer(groupOf(+k))) { items.push(+k); }
      });
      items.sort(function (a, b) {
        var ea = E[a], eb = E[b];
        return (data.kinds[ea[1]][2] - data.kinds[eb[1]][2]) || (eb[5] - ea[5]) ||
          (ea[7] - eb[7]) || (a - b);
      });
      items.forEach(function (j) {
        var m = marks[j], s = m.options.flSmall ? 16 : 20, x = 0, y = 0, r = null;
        var p = map.latLngToLayerPoint(m.getLatLng());
        for (var k = 0; k < 16; k++) {
          x = s + 4 + (s + 2) * (k % 4);
          y = s + 2 + (s + 2) * Math.floor(k / 4);
          r = {left: p.x - x, top: p.y - y, right: p.x - x + s, bottom: p.y - y + s};
          if (!placed.some(function (q) { return rectsOverlap(r, q); })) { break; }
        }
        placed.push(r);
        var off = m.options.flOffset, dx = s / 2 - x, dy = s / 2 - y;
        if (off.x !== dx || off.y !== dy) { m.options.flOffset = L.point(dx, dy); m.redraw(); }
      });
    }
    // The events on the map and where they are drawn (container pixels), for tests and tools.
    function visibleEvents() {
      return Object.keys(shownMarks).filter(function (k) { return map.hasLayer(groupOf(+k)); })
        .map(function (k) {
          var m = marks[k], c = map.latLngToContainerPoint(m.getLatLng()).add(m.options.flOffset);
          var r = m.options.flSmall ? 8 : 10;
          return {event: +k, kind: m.options.flKind, x: c.x, y: c.y,
            left: c.x - r, top: c.y - r, right: c.x + r, bottom: c.y + r};
        });
    }

    // -- labels: the best-ranked places first, none over another --------------------------------
    var labelsLayer = L.layerGroup(), labels = [], labelShown = {};
    P.forEach(function (p, i) {
      if (p[4] >= 0) { labels.push(i); }
    });
    labels.sort(function (a, b) { return P[a][4] - P[b][4]; });
    var labelMarkers = {};
    labels.forEach(function (i) {
      labelMarkers[i] = L.marker([P[i][1], P[i][2]], {pane: 'fl-labels', interactive: false,
        keyboard: false, icon: L.divIcon({className: 'fl-label-icon',
          html: '<span class="fl-label">' + P[i][0] + '</span>', iconSize: null,
          iconAnchor: [-8, 9]})});
    });
    // Labels are placed by arithmetic (their width measured once with a canvas), so hiding
    // the ones that would overlap never forces the browser to lay the page out.
    var measure = document.createElement('canvas').getContext('2d'), widths = {}, font = null;
    function labelWidth(i) {
      if (font === null) {
        var el = labelMarkers[i].getElement();
        var cs = el && el.firstChild ? getComputedStyle(el.firstChild) : null;
        font = cs ? cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily : '600 12px sans-serif';
        measure.font = font;
      }
      if (!(i in widths)) {
        var tmp = document.createElement('span');
        tmp.innerHTML = P[i][0];  // the escaped name, decoded as the label shows it
        widths[i] = measure.measureText(tmp.textContent).width;
      }
      return widths[i];
    }
    // The label of place i to the right of its dot, or to the left (layer pixels, with a margin).
    function labelBox(i, left) {
      var p = map.latLngToLayerPoint([P[i][1], P[i][2]]), w = labelWidth(i);
      var x = left ? p.x - 8 - w : p.x + 8, y = p.y - 9;
      return {left: x - 3, top: y - 2, right: x + w + 3, bottom: y + 18, dx: left ? -8 - w : 8};
    }
    var placedLabels = {}, controlRects = [];
    // Where the boxes around the map are (container pixels): labels keep clear of them.
    function measureControls() {
      var base = container.getBoundingClientRect();
      controlRects = [].slice.call(container.querySelectorAll('.leaflet-control')).map(function (el) {
        var r = el.getBoundingClientRect();
        return {left: r.left - base.left, top: r.top - base.top, right: r.right - base.left,
          bottom: r.bottom - base.top};
      }).filter(function (r) { return r.right > r.left && r.bottom > r.top; });
    }
    // Best-ranked labels first: each goes right of its dot, else left, else stays hidden, so no
    // label covers another, an event marker or a box around the map, or runs off the map.
    function declutter() {
      if (!map.hasLayer(labelsLayer)) { return; }
      var o = map.containerPointToLayerPoint([0, 0]), size = map.getSize();
      var view = {left: o.x, top: o.y, right: o.x + size.x, bottom: o.y + size.y};
      var kept = eventRects.concat(controlRects.map(function (r) {
        return {left: r.left + o.x, top: r.top + o.y, right: r.right + o.x, bottom: r.bottom + o.y};
      }));
      var free = function (r) {
        return r.left >= view.left && r.top >= view.top && r.right <= view.right &&
          r.bottom <= view.bottom && !kept.some(function (k) { return rectsOverlap(r, k); });
      };
      labels.forEach(function (i) {
        var el = labelShown[i] && labelMarkers[i].getElement();
        if (!el) { return; }
        var r = labelBox(i, false);
        if (!free(r)) { r = labelBox(i, true); }
        var ok = free(r), state = ok ? r.dx : null;
        if (ok) { kept.push(r); }
        if (placedLabels[i] === state) { return; }
        placedLabels[i] = state;
        el.style.visibility = ok ? 'visible' : 'hidden';
        if (ok) { el.style.marginLeft = r.dx + 'px'; }
      });
    }
    function drawLabels() {
      var changed = false;
      labels.forEach(function (i) {
        var on = entryOf(i) !== null;
        if (on === !!labelShown[i]) { return; }
        changed = true;
        labelShown[i] = on;
        delete placedLabels[i];
        if (on) { labelsLayer.addLayer(labelMarkers[i]); } else { labelsLayer.removeLayer(labelMarkers[i]); }
      });
      declutter();  // the event markers moved too
    }

    // -- the page around the map ---------------------------------------------------------------
    function box(position, cls, html) {
      var c = L.control({position: position});
      c.onAdd = function () {
        var div = L.DomUtil.create('div', 'fl-box ' + cls);
        div.innerHTML = html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      return c.addTo(map);
    }
    var container = map.getContainer();
    var notice = L.DomUtil.create('div', 'fl-notice', container);
    notice.setAttribute('role', 'status');
    notice.setAttribute('aria-live', 'polite');
    var noData = L.DomUtil.create('div', 'fl-nodata', container);
    noData.setAttribute('aria-hidden', 'true');
    function notify(message) {
      notice.textContent = message;  // text, never HTML: it may quote the address bar
      notice.style.display = message ? 'block' : 'none';
    }
    notify('');

    var stops = data.stops.map(function (d) { return T0 + d * DAY; });
    var driver = {times: stops, start: T0, end: END, setTime: function (t) { show(t); }};
    var slider = L.timelineSliderControl({start: T0, end: END, steps: Math.max(1, N),
      duration: Math.min(60000, 400 * Math.max(1, N)), enableKeyboardControls: false,
      showTicks: true, formatOutput: pretty, position: 'bottomleft'});
    slider.addTo(map);
    slider.addTimelines(driver);
    var input = slider._timeSlider;
    input.step = String(DAY);
    // Ticks on the slider: the change dates when there are few, else the first of each month
    // (hundreds of ticks say nothing and cost a repaint of each at every step).
    if (slider._datalist && stops.length > 60) {
      var options = slider._datalist.querySelector('select') || slider._datalist;
      options.innerHTML = '';
      for (var m = new Date(T0); m.getTime() <= END; m.setUTCMonth(m.getUTCMonth() + 1, 1)) {
        var tick = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth(), 1)).getTime();
        if (tick >= T0) { L.DomUtil.create('option', '', options).value = String(tick); }
      }
    }
    input.setAttribute('aria-label', 'Date shown on the map');
    var labelsFor = {prev: 'Previous change', play: 'Play', pause: 'Pause', next: 'Next change'};
    Object.keys(labelsFor).forEach(function (cls) {
      var b = slider.container.querySelector('button.' + cls);
      if (b) { b.setAttribute('aria-label', labelsFor[cls]); b.title = labelsFor[cls]; }
    });
    [[T0, 'beforebegin'], [END, 'afterend']].forEach(function (e) {
      input.insertAdjacentHTML(e[1], '<span class="fl-range">' + pretty(e[0]) + '</span>');
    });
    if (FIRST > 0 && N > 0) {  // the part of the slider before any data, shaded
      var pct = (100 * FIRST / N).toFixed(2);
      input.style.background = 'linear-gradient(to right, rgba(0,0,0,.18) 0 ' + pct +
        '%, transparent ' + pct + '%)';
    }
    box('bottomleft', 'fl-title', ui.title);
    box('topright', 'fl-legend', ui.legend);
    L.control.zoom({position: 'topleft'}).addTo(map);
    var dateEl = container.querySelector('.fl-date');

    var legend = container.querySelector('.fl-legend details');
    if (legend && window.innerWidth >= 1400 && window.innerHeight >= 700) {
      legend.setAttribute('open', '');
    }
    map.attributionControl.addAttribution(ui.attribution);
    var attribution = map.attributionControl.getContainer();
    attribution.title = attribution.textContent;
    L.DomEvent.on(attribution, 'click', function (ev) {
      if (ev.target && ev.target.tagName === 'A') { return; }
      L.DomUtil.hasClass(attribution, 'fl-open') ? L.DomUtil.removeClass(attribution, 'fl-open')
        : L.DomUtil.addClass(attribution, 'fl-open');
      layout();
    });
    var sliderBox = slider.container, titleBox = container.querySelector('.fl-title');
    // Keep the slider above the attribution, and popups clear of every box around the map.
    function layout() {
      sliderBox.style.marginBottom = (attribution.offsetHeight + 6) + 'px';
      measureControls();
      var mapRect = container.getBoundingClientRect();
      var top = titleBox ? titleBox.getBoundingClientRect().top : sliderBox.getBoundingClientRect().top;
      padBR.y = Math.max(60, mapRect.bottom - top + 8);
      padBR.x = 16;
      var legendBox = container.querySelector('.fl-legend');
      padTL.y = Math.max(56, legendBox && !legend.open ? legendBox.getBoundingClientRect().bottom - mapRect.top + 8 : 56);
      if (!booting) { declutter(); }
    }
    layout();
    window.addEventListener('resize', layout);
    map.on('popupopen', function (ev) {
      var box = container.querySelector('.fl-legend');
      var el = ev.popup.getElement();
      if (legend && legend.open && box && el && rectsOverlap(el.getBoundingClientRect(), box.getBoundingClientRect())) {
        legend.removeAttribute('open');  // a popup is what the reader asked for: the legend yields
        layout();
      }
    });
    if (legend) { legend.addEventListener('toggle', layout); }

    var overlays = {};
    overlays[ui.names.zones] = zonesLayer;
    overlays[ui.names.front] = frontLine;
    overlays[ui.names.places] = placesLayer;
    overlays[ui.names.labels] = labelsLayer;
    overlays[ui.names.changes] = changesLayer;
    overlays[ui.names.activity] = activityLayer;
    (ui.statics || []).forEach(function (s) { overlays[s[0]] = s[1]; });
    [zonesLayer, frontLine, placesLayer, labelsLayer, changesLayer].forEach(function (l) { l.addTo(map); });
    L.control.layers(null, overlays, {collapsed: true, position: 'topleft'}).addTo(map);
    map.on('zoomend moveend overlayadd', declutter);
    map.on('zoomend overlayadd overlayremove', layoutEvents);
    function zoomClass() {
      (map.getZoom() < 7 ? L.DomUtil.addClass : L.DomUtil.removeClass)(container, 'fl-far');
    }
    map.on('zoomend', zoomClass);

    // -- the date: slider, address bar, notices ---------------------------------------------------
    var shown = null;
    function show(t) {
      if (booting) { return; }
      var d = clampDay(Math.round((t - T0) / DAY)), day = iso(T0 + d * DAY);
      today = d;
      drawGeometry(floorIndex(data.stops, d));
      drawPlaces(d);
      drawEvents(d);
      drawLabels();
      var label = pretty(T0 + d * DAY);
      if (dateEl) { dateEl.textContent = label; }
      input.setAttribute('aria-valuetext', label);
      var empty = d < FIRST;
      noData.style.display = empty ? 'flex' : 'none';
      noData.textContent = empty ? 'No data before ' + when(FIRST) : '';
      if (day === shown) { return; }
      shown = day;
      if (!ready) { return; }
      // The address follows once the slider rests: rewriting it costs a frame of its own.
      window.clearTimeout(hashTimer);
      hashTimer = window.setTimeout(function () {
        var h = '#date=' + shown;
        if (location.hash !== h) {
          try { history.replaceState(null, '', h); } catch (err) { location.hash = h; }
        }
      }, 250);
    }
    var hashTimer = null;
    function fromHash() {
      var m = /(?:^#|&)date=([^&]*)/.exec(location.hash);
      if (!m) { return null; }
      var raw = m[1];
      try { raw = decodeURIComponent(raw); } catch (err) { /* shown as it is */ }
      var t = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? Date.parse(raw + 'T00:00:00Z') : NaN;
      if (isNaN(t) || iso(t) !== raw) {
        notify('"' + raw.slice(0, 40) + '" is not a date (the address takes #date=YYYY-MM-DD): ' +
          'showing ' + pretty(shown === null ? END : Date.parse(shown + 'T00:00:00Z')) + '.');
        return null;
      }
      if (t < T0) { notify('The map starts on ' + pretty(T0) + ': showing that day.'); return T0; }
      if (t > END) { notify('The map ends on ' + pretty(END) + ': showing that day.'); return END; }
      notify('');
      return t;
    }
    function setDate(day) {
      var t = typeof day === 'number' ? day : Date.parse(day + 'T00:00:00Z');
      slider.setTime(T0 + clampDay(Math.round((t - T0) / DAY)) * DAY);
    }
    var ready = false;
    window.addEventListener('hashchange', function () {
      var t = fromHash();
      if (t !== null && iso(t) !== shown) { setDate(t); }
    });
    var view = data.view || ui.bounds;
    map.fitBounds(view, {paddingTopLeft: [20, 20], paddingBottomRight: [20, padBR.y], animate: false});
    zoomClass();
    measureControls();
    booting = false;
    var t0 = fromHash();
    setDate(t0 === null ? END : t0);
    ready = true;
    var idle = window.requestIdleCallback || function (fn) {
      return setTimeout(function () {
        var until = Date.now() + 8;
        fn({timeRemaining: function () { return until - Date.now(); }});
      }, 50);
    };
    idle(function warm(deadline) { if (geometry.warm(deadline)) { idle(warm); } });
    return {map: map, slider: slider, setDate: setDate, start: T0, end: END,
      first: T0 + FIRST * DAY, date: function () { return shown; },
      layers: {zones: zonesLayer, front: frontLine, places: placesLayer, labels: labelsLayer,
        changes: changesLayer, activity: activityLayer},
      events: visibleEvents,
      place: function (name) {
        for (var i = 0; i < P.length; i++) {
          if (P[i][0] === name && markers[i]) {
            var e = entryOf(i);
            return {controller: e ? sides[e[1]].id : null, colour: markers[i].options.fillColor,
              shown: placesLayer.hasLayer(markers[i]), marker: markers[i]};
          }
        }
        return null;
      }};
  }

  window.frontlineStart = function (map, dataElement, ui) {
    var data = JSON.parse(document.getElementById(dataElement).textContent);
    var api = start(map, data, ui);
    api.readyAt = performance.now();  // milliseconds since navigation started
    window.frontlineMap = map;
    window.frontline = api;
    return api;
  };
})();
