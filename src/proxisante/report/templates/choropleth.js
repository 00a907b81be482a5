/* proxisante: draw a commune choropleth with Leaflet (offline, no tiles). */
function proxisanteChoropleth(id, data, opts) {
  var classes = opts.classes; /* [[upper|null, colour, label], ...] */
  function colour(v) {
    if (v === null || v === undefined) { return opts.noData; }
    for (var k = 0; k < classes.length; k++) {
      if (classes[k][0] === null || v < classes[k][0]) { return classes[k][1]; }
    }
    return opts.noData;
  }
  function fmt(v) {
    if (v === null || v === undefined) { return "non publiée"; }
    return typeof v === "string" ? v : v.toFixed(2).replace(".", ","); /* a class label as given */
  }
  var map = L.map(id, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  if (opts.attribution) { map.attributionControl.addAttribution(opts.attribution); }
  var layer = L.geoJSON(data, {
    style: function (f) {
      var inside = f.properties.dans_territoire !== false;
      return { color: inside ? "#000091" : "#777", weight: inside ? 1.4 : 0.5,
               fillColor: colour(f.properties[opts.key]), fillOpacity: inside ? 0.85 : 0.45 };
    },
    onEachFeature: function (f, l) {
      var p = f.properties, code = p[opts.codeKey || "code_insee"];
      var lines = ["<strong>" + p.nom + "</strong> (" + code + ")"];
      opts.tooltip.forEach(function (t) { lines.push(t[1] + " : " + fmt(p[t[0]])); });
      l.bindTooltip(lines.join("<br>"), { sticky: true });
      if (opts.onClick) { l.on("click", function () { opts.onClick(p); }); }
    }
  }).addTo(map);
  map.choroplethLayer = layer;
  if (opts.outline) { /* a perimeter drawn over the communes (a mining basin) */
    map.outlineLayer = L.geoJSON(opts.outline, { interactive: false,
      style: { color: "#000000", weight: 3, dashArray: "6 4", fill: false } }).addTo(map);
  }
  if (opts.labelMinZoom !== undefined) { /* names shown from this zoom on (orientation) */
    var labels = L.layerGroup();
    layer.eachLayer(function (l) {
      var text = document.createElement("span");
      text.textContent = l.feature.properties.nom;
      L.marker(l.getBounds().getCenter(), { interactive: false, keyboard: false,
        icon: L.divIcon({ className: "carte-nom", html: text.outerHTML, iconSize: null }) }).addTo(labels);
    });
    var toggle = function () {
      if (map.getZoom() >= opts.labelMinZoom) { labels.addTo(map); } else { labels.remove(); }
    };
    map.on("zoomend", toggle);
    map.whenReady(toggle);
  }
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  else { map.setView([46.6, 2.4], 5); }
  if (opts.legend !== false) {
    var legend = L.control({ position: opts.legendPosition || "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "legend");
      div.innerHTML = "<strong>" + opts.title + "</strong><br>" + classes.map(function (c) {
        return "<i style='background:" + c[1] + "'></i>" + c[2]; }).join("<br>")
        + "<br><i style='background:" + opts.noData + "'></i>non publiée"
        + (opts.outline ? "<br><i style='background:none;border:2px dashed #000'></i>" + opts.outlineLabel : "")
        + (opts.legendExtra || "");
      return div;
    };
    legend.addTo(map);
  }
  document.getElementById(id).setAttribute("data-features", String(layer.getLayers().length));
  return map;
}
