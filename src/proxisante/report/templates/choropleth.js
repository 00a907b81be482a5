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
  function fmt(v) { return (v === null || v === undefined) ? "non publiée" : v.toFixed(2).replace(".", ","); }
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
      var p = f.properties, lines = ["<strong>" + p.nom + "</strong> (" + p.code_insee + ")"];
      opts.tooltip.forEach(function (t) { lines.push(t[1] + " : " + fmt(p[t[0]])); });
      l.bindTooltip(lines.join("<br>"), { sticky: true });
    }
  }).addTo(map);
  if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [10, 10] }); }
  else { map.setView([46.6, 2.4], 5); }
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "legend");
    div.innerHTML = "<strong>" + opts.title + "</strong><br>" + classes.map(function (c) {
      return "<i style='background:" + c[1] + "'></i>" + c[2]; }).join("<br>");
    return div;
  };
  legend.addTo(map);
  document.getElementById(id).setAttribute("data-features", String(layer.getLayers().length));
  return map;
}
