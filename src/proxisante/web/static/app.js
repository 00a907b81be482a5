/* proxisante web page: search, territory summary, map, scenario editor (French UI). */
(function () {
  "use strict";
  var CLASSES = window.PROXISANTE_APL_CLASSES; /* from proxisante.report.maps, set by the page */
  var state = { selector: null, geo: null, map: null, summary: null };
  function $(id) { return document.getElementById(id); }
  function fr(v, d) { return v === null || v === undefined ? "—" : v.toFixed(d).replace(".", ","); }
  function int(v) { return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }
  function getJSON(url, opts) {
    return fetch(url, opts).then(function (r) {
      return r.json().then(function (b) { if (!r.ok) { throw new Error(b.error || b.detail || r.status); } return b; });
    });
  }
  function draw(key, title) {
    if (state.map) { state.map.remove(); }
    state.map = proxisanteChoropleth("carte", state.geo, {
      key: key, title: title, classes: CLASSES, noData: "#bdbdbd",
      attribution: "APL : DREES 2023 ; sites : FINESS, pages publiques", tooltip: [["apl_2023", "APL 2023"], ["apl_after", "après scénario"]]
    });
    (state.sites || []).forEach(function (x) {
      if (x.lat === null || x.lon === null) { return; }
      var filieris = x.operator === "filieris";
      L.circleMarker([x.lat, x.lon], { radius: filieris ? 7 : 5, color: "#222", weight: 1,
        fillColor: filieris ? "#ffd400" : "#666", fillOpacity: 0.9, className: "site-marker" })
        .bindTooltip(x.name + (x.gp_fte ? " — " + x.gp_fte + " médecins" : "") + " (" + x.status + ")")
        .addTo(state.map);
    });
  }
  var timer = null;
  $("recherche").addEventListener("input", function () {
    clearTimeout(timer);
    var q = this.value;
    timer = setTimeout(function () {
      getJSON("/api/search?q=" + encodeURIComponent(q)).then(function (hits) {
        var ul = $("resultats");
        ul.innerHTML = "";
        hits.forEach(function (h) {
          var li = document.createElement("li"), b = document.createElement("button");
          b.textContent = h.label; b.setAttribute("data-selector", h.selector);
          b.addEventListener("click", function () { open(h.selector); });
          li.appendChild(b); ul.appendChild(li);
        });
      });
    }, 200);
  });
  function open(selector) {
    state.selector = selector;
    $("resultats").innerHTML = "";
    Promise.all([getJSON("/api/territory/" + encodeURIComponent(selector)),
                 getJSON("/api/territory/" + encodeURIComponent(selector) + "/geojson"),
                 getJSON("/api/sites?territory=" + encodeURIComponent(selector))]).then(function (r) {
      var s = r[0]; state.summary = s; state.geo = r[1]; state.sites = r[2];
      $("territoire").hidden = false; $("scenario").hidden = false;
      $("territoire-nom").textContent = s.label;
      var apl = s.communes === 1 ? s.communes_list[0].apl_2023 : s.mean_apl_2023;
      $("territoire-apl").textContent = fr(apl, s.communes === 1 ? 3 : 2);
      $("territoire-sous-dotes").textContent = int(s.under_served_2023) + " habitants en commune sous-dotée en 2023 ("
        + int(s.under_served_2022) + " en 2022)";
      $("lien-rapport").href = "/territoire/" + encodeURIComponent(selector);
      ["csv", "xlsx", "gpkg", "html"].forEach(function (f) { $("dl-" + f).href = "/download/" + encodeURIComponent(selector) + "." + f; });
      draw("apl_2023", "APL 2023");
      var dep = s.communes_list.length ? s.communes_list[0].code_insee.slice(0, s.communes_list[0].code_insee.startsWith("97") ? 3 : 2) : "";
      return getJSON("/api/sites?operator=filieris&territory=dep:" + dep);
    }).then(function (sites) {
      var sel = $("site"); sel.innerHTML = "";
      sites.filter(function (x) { return x.status === "open"; }).forEach(function (x) {
        var o = document.createElement("option"); o.value = x.site_id;
        o.textContent = x.name + (x.gp_fte ? " (" + x.gp_fte + " médecins)" : " (effectif inconnu)");
        sel.appendChild(o);
      });
    }).catch(function (e) { $("territoire-nom").textContent = "Erreur : " + e.message; });
  }
  function run(edit, name) {
    var body = { name: name, edits: [edit] };
    $("resultat-scenario").textContent = "Calcul en cours…";
    getJSON("/api/scenarios/evaluate", { method: "POST", headers: { "Content-Type": "application/json",
      "Authorization": "Bearer " + $("jeton").value }, body: JSON.stringify(body) }).then(function (res) {
      var after = {}, inside = {};
      res.communes.forEach(function (c) { after[c.code_insee] = c.apl_after; });
      state.geo.features.forEach(function (f) { inside[f.properties.code_insee] = true; });
      var outside = res.communes.map(function (c) { return c.code_insee; })
        .filter(function (code) { return !inside[code]; }).slice(0, 3000);
      var more = outside.length ? getJSON("/api/communes/geojson?codes=" + outside.join(","))
                                : Promise.resolve({ features: [] });
      return more.then(function (extra) {
        var shown = { type: "FeatureCollection", features: state.geo.features.concat(extra.features) };
        shown.features.forEach(function (f) {
          var code = f.properties.code_insee;
          f.properties.apl_after = code in after ? after[code] : f.properties.apl_2023;
        });
        var saved = state.geo; state.geo = shown;
        draw("apl_after", "APL après scénario");
        state.geo = saved;
        return res;
      });
    }).then(function (res) {
      var s = res.summary;
      $("resultat-scenario").innerHTML = "<p><span id='scenario-sous-dotes' class='chiffre bad'>" + int(s.newly_under)
        + "</span> habitants passeraient sous le seuil de 2,5 ; " + int(s.population_affected)
        + " habitants de " + s.communes_affected + " communes verraient leur APL changer ("
        + int(s.fte_change) + " ETP).</p><p class='note'>" + res.method + "</p>";
    }).catch(function (e) { $("resultat-scenario").textContent = "Erreur : " + e.message; });
  }
  $("fermer").addEventListener("click", function () {
    var site = $("site").value;
    if (!site) { return; }
    run({ kind: "close_sites", sites: [site] }, "Fermeture de " + $("site").selectedOptions[0].textContent.replace(/[^\w .,'’()\/-]/g, ""));
  });
  $("ajouter").addEventListener("click", function () {
    if (!state.summary || !state.summary.communes_list.length) { return; }
    var code = state.summary.communes_list[0].code_insee;
    run({ kind: "open_site", site: "nouveau-" + code, name: "Nouveau centre", commune: code,
          fte: { gp: parseFloat($("ajout-etp").value) } }, "Ajout de medecins " + code);
  });
})();
