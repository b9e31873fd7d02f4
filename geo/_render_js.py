"""The page's own JavaScript: layer styles, markers, and the controller of the page.

The controller adds the title, legend and attribution, keeps ``#date=YYYY-MM-DD`` in step with
the slider, hides overlapping labels, and exposes ``window.frontline`` and
``window.frontlineMap``. Nothing here is built from article text: popups and tooltips arrive
pre-escaped in the features' properties.
"""

from __future__ import annotations

import json
from datetime import date

import folium
from branca.element import MacroElement
from folium.plugins import Timeline, TimelineSlider
from folium.template import Template
from folium.utilities import JsCode

from geo._render_assets import EVENT_ICONS

__all__ = [
    "BIND",
    "FORMAT_DATE",
    "FRONT_STYLE",
    "LABEL_POINT",
    "ZONE_STYLE",
    "Controller",
    "event_point",
    "place_point",
]

ZONE_STYLE = JsCode(
    """function (f) {
  var p = f.properties;
  return {color: p.line, weight: p.contested ? 0.8 : 1.2, opacity: 0.75, fillColor: p.fill,
          fillOpacity: p.contested ? 0.55 : 0.3};
}"""
)
FRONT_STYLE = JsCode(
    """function (f) {
  return {color: '#141414', weight: 4.5, opacity: 0.95, lineCap: 'round', lineJoin: 'round'};
}"""
)
BIND = JsCode(
    """function (f, layer) {
  var p = f.properties;
  if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 340, autoPanPaddingTopLeft: [10, 120]}); }
  if (p.tooltip) { layer.bindTooltip(p.tooltip, {direction: 'top', offset: [0, -6]}); }
}"""
)
LABEL_POINT = JsCode(
    """function (f, latlng) {
  return L.marker(latlng, {pane: 'fl-labels', interactive: false, keyboard: false,
    icon: L.divIcon({className: 'fl-label-icon', html: f.properties.label, iconSize: null,
                     iconAnchor: [-9, 9]})});
}"""
)


def place_point(contested_svg: str) -> JsCode:
    return JsCode(
        """function (f, latlng) {
  var p = f.properties;
  if (p.controller === 'contested') {
    return L.marker(latlng, {pane: 'fl-places', controller: p.controller, fillColor: p.colour,
      icon: L.divIcon({className: 'fl-contested-marker', html: __SVG__, iconSize: [16, 16]})});
  }
  return L.circleMarker(latlng, {pane: 'fl-places', controller: p.controller, radius: p.r,
    color: p.stale ? '#555' : '#fff', weight: 1.6, dashArray: p.stale ? '2 2' : null,
    fillColor: p.colour, fillOpacity: p.stale ? 0.45 : 0.95});
}""".replace("__SVG__", json.dumps(contested_svg))
    )


def event_point() -> JsCode:
    return JsCode(
        """function (f, latlng) {
  var icons = __ICONS__;
  var p = f.properties, g = icons[p.kind] || icons.control_claim;
  var small = p.kind === 'offensive' || p.kind === 'strike', s = small ? 16 : 20;
  var x = s + 4 + (s + 2) * (p.slot || 0);
  var html = '<span class="fl-ev fl-ev-' + p.kind + (small ? ' fl-ev-small' : '') +
    '" style="background:' + p.colour + '"><svg viewBox="0 0 16 16" width="' + (s - 8) +
    '" height="' + (s - 8) + '" fill="#fff">' + g + '</svg></span>';
  return L.marker(latlng, {pane: 'fl-events', kind: p.kind, riseOnHover: true,
    zIndexOffset: small ? 0 : 1000,
    icon: L.divIcon({className: 'fl-ev-marker', html: html, iconSize: [s, s],
                     iconAnchor: [x, s + 2]})});
}""".replace("__ICONS__", json.dumps(EVENT_ICONS))
    )


FORMAT_DATE = JsCode(
    """function (t) {
  var m = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
           'September', 'October', 'November', 'December'];
  var d = new Date(t);
  return d.getUTCDate() + ' ' + m[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
}"""
)


class Controller(MacroElement):
    """Title, legend, attribution, the date permalink and ``window.frontline``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var slider = {{ this.slider.get_name() }};
  var layers = {
    {%- for key, tl in this.timelines.items() %}
    {{ key|tojson }}: {{ tl.get_name() }},
    {%- endfor %}
  };
  var START = {{ this.start_ms }}, END = {{ this.end_ms }}, DAY = 86400000;
  var months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December'];
  function iso(t) { return new Date(t).toISOString().slice(0, 10); }
  function pretty(t) {
    var d = new Date(t);
    return d.getUTCDate() + ' ' + months[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }
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
  L.control.zoom({position: 'topleft'}).addTo(map);
  box('bottomleft', 'fl-title', {{ this.title_html|tojson }});
  box('bottomright', 'fl-legend', {{ this.legend_html|tojson }});
  if (slider._timeSlider) {
    var ends = [[START, 'beforebegin'], [END, 'afterend']];
    ends.forEach(function (e) {
      var html = '<span class="fl-range">' + pretty(e[0]) + '</span>';
      slider._timeSlider.insertAdjacentHTML(e[1], html);
    });
  }
{%- if this.labels %}
  var labels = {{ this.labels.get_name() }};
  function declutter() {
    var kept = [];
    labels.eachLayer(function (l) {
      var el = l.getElement();
      if (!el) { return; }
      el.style.visibility = 'visible';
      var r = el.firstChild ? el.firstChild.getBoundingClientRect() : el.getBoundingClientRect();
      var hit = kept.some(function (k) {
        return r.left < k.right && k.left < r.right && r.top < k.bottom && k.top < r.bottom;
      });
      if (hit) { el.style.visibility = 'hidden'; } else { kept.push(r); }
    });
  }
  map.on('zoomend moveend overlayadd', declutter);
  setTimeout(declutter, 0);
{%- endif %}
  if (window.innerWidth < 900 || window.innerHeight < 650) {
    var det = document.querySelector('.fl-legend details');
    if (det) { det.removeAttribute('open'); }
  }
  map.attributionControl.addAttribution({{ this.attribution|tojson }});
  function zoomClass() {
    var el = map.getContainer();
    (map.getZoom() < 7 ? L.DomUtil.addClass : L.DomUtil.removeClass)(el, 'fl-far');
  }
  map.on('zoomend', zoomClass);
  zoomClass();
  var dateEl = document.getElementById('fl-date');
  var shown = null, ready = false;
  function onChange(e) {
    var t = e.target.time, day = iso(t);
    if (day === shown) { return; }
    shown = day;
    if (dateEl) { dateEl.textContent = pretty(t); }
    if (!ready) { return; }
    var h = '#date=' + day;
    if (location.hash !== h) {
      try { history.replaceState(null, '', h); } catch (err) { location.hash = h; }
    }
  }
  Object.keys(layers).forEach(function (k) { layers[k].on('change', onChange); });
  function fromHash() {
    var m = /(?:^#|&)date=(\\d{4}-\\d{2}-\\d{2})/.exec(location.hash);
    if (!m) { return null; }
    var t = Date.parse(m[1] + 'T00:00:00Z');
    return isNaN(t) ? null : Math.min(END, Math.max(START, t));
  }
  function setDate(day) {
    var t = typeof day === 'number' ? day : Date.parse(day + 'T00:00:00Z');
    slider.setTime(Math.min(END, Math.max(START, t)));
  }
  window.addEventListener('hashchange', function () {
    var t = fromHash();
    if (t !== null && iso(t) !== shown) { setDate(t); }
  });
  var t0 = fromHash();
  setDate(t0 === null ? END : t0);
  ready = true;
  window.frontlineMap = map;
  window.frontline = {map: map, slider: slider, layers: layers, setDate: setDate,
                      start: START, end: END, date: function () { return shown; }};
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        slider: TimelineSlider,
        timelines: dict[str, Timeline],
        start: date,
        end: date,
        title_html: str,
        legend_html: str,
        labels: folium.GeoJson | None,
        attribution: str,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FrontlineController"
        self.slider = slider
        self.timelines = timelines
        self.start_ms = _ms(start)
        self.end_ms = _ms(end)
        self.title_html = title_html
        self.legend_html = legend_html
        self.labels = labels
        self.attribution = attribution


def _ms(day: date) -> int:
    """Milliseconds since the epoch at UTC midnight of ``day``, as JavaScript dates count."""
    return (day - date(1970, 1, 1)).days * 86_400_000
