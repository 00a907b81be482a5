/* proxisante web page: search, territory summary, map, scenario editor (French UI). */
(function () {
  "use strict";
  var CLASSES = window.PROXISANTE_APL_CLASSES; /* from proxisante.report.maps, set by the page */
  var state = { selector: null, geo: null, map: null, summary: null, edits: [] };
  function $(id) { return document.getElementById(id); }
  function fr(v, d) { return v === null || v === undefined ? "—" : v.toFixed(d).replace(".", ","); }
  function int(v) { return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }
  function getJSON(url, opts) {
    return fetch(url, opts).then(function (r) {
      return r.json().then(function (b) { if (!r.ok) { throw new Error(b.error || b.detail || r.status); } return b; });
    });
  }
  /* sites drawn around a territory: its catchment (proxisante.catchment, set by the page) */
  var CATCHMENT_MINUTES = window.PROXISANTE_CATCHMENT_MINUTES;
  function siteMarker(x) {
    var filieris = x.operator === "filieris", inside = x.dans_territoire !== false, open = x.status === "open";
    var where = inside ? "" : " — à " + Math.round(x.minutes) + " min du territoire";
    return L.circleMarker([x.lat, x.lon], { radius: filieris ? 7 : 5, color: "#222",
      weight: inside ? 1 : 2, dashArray: inside ? null : "2 2", fillColor: filieris ? "#ffd400" : "#666",
      fillOpacity: !open ? 0 : inside ? 0.9 : 0.6,
      className: "site-marker" + (filieris ? " filieris" : "") + (inside ? "" : " hors-territoire") + (open ? "" : " site-ferme") })
      .bindTooltip(x.name + " — " + staff(x)
        + " (" + ({ open: "ouvert", closed: "fermé", planned: "en projet" }[x.status] || x.status) + ")" + where);
  }
  /* GP staff of a site as the reports say it: published, estimated by the calibrated model
     (« estimé », with its range), or unknown. */
  function staff(x) {
    if (x.gp_fte) { return fr(x.gp_fte, 1).replace(",0", "") + " médecins"; }
    if (x.gp_fte_estimated) {
      return fr(x.gp_fte_estimated, 1) + " ETP de médecin estimé (" + fr(x.gp_fte_low, 1) + " à " + fr(x.gp_fte_high, 1) + ")";
    }
    return "effectif inconnu";
  }
  /* The colours are the APL of every GP; the zoning rule uses the APL of GPs under 65
     (proxisante.territory.zoning), shown on hover. */
  var ZONING_LEGEND = "<br><em>Couleurs : APL de tous les médecins. Zonage (survol) : APL des "
    + "moins de 65 ans, « type ZIP » sous 2,5, « vivier ZAC » de 2,5 à 4.</em>";
  /* The world without a COG, year by year (« estimé », with its range): GET …/sans-cog. */
  function noCog(selector) {
    var box = $("sans-cog"); box.textContent = "";
    getJSON("/api/territory/" + encodeURIComponent(selector) + "/sans-cog").then(function (rows) {
      if (selector !== state.selector || !rows.length) { return; }
      var z = "habitants sous 2,5 (APL zonage) sans COG (estimé)", a = "habitants sous 2,5 (accès projeté) sans COG (estimé)";
      var html = "<table class='sans-cog'><thead><tr><th>année</th><th>sous 2,5, APL zonage (estimé)</th>"
        + "<th>sous 2,5, accès projeté (estimé)</th></tr></thead><tbody>";
      rows.forEach(function (r) {
        html += "<tr><td>" + r["année"] + "</td><td class='num'>" + int(r[z]) + " (" + int(r["bas (APL zonage)"]) + " – "
          + int(r["haut (APL zonage)"]) + ")</td><td class='num'>" + int(r[a]) + " (" + int(r["bas (accès projeté)"]) + " – "
          + int(r["haut (accès projeté)"]) + ")</td></tr>";
      });
      var r0 = rows[0];
      html += "</tbody></table><p class='note'>Sans COG : départs progressifs des médecins de 65 ans et plus, "
        + "installations au rythme départemental (BPE 2017 → 2021) ; ancrage officiel DREES 2023 : "
        + int(r0["ancrage officiel : habitants sous 2,5, APL des moins de 65 ans"]) + " habitants sous 2,5 selon l'APL des moins de 65 ans, "
        + int(r0["ancrage officiel : habitants sous 2,5, APL de tous les médecins"]) + " selon l'APL de tous les médecins. "
        + "Le plan et son coût face à cette situation : bouton ci-dessous, ou rapport « plan cog » (HTML, xlsx).</p>";
      box.innerHTML = html;
    }).catch(function (e) { box.setAttribute("data-erreur", e.message); });
  }
  /* Legend of the site symbols drawn over a territory (appended to the APL legend). */
  var SITES_LEGEND = "<br><strong>Sites de santé</strong><br>"
    + "<span class='symbole' style='background:#ffd400;width:13px;height:13px'></span>site Filieris<br>"
    + "<span class='symbole' style='background:#666'></span>autre site (FINESS, pages publiques)<br>"
    + "<span class='symbole' style='background:transparent'></span>site fermé<br>"
    + "<span class='symbole' style='background:#bbb;border:2px dashed #222'></span>hors du territoire, à moins de "
    + CATCHMENT_MINUTES + " min";
  function draw(key, title) {
    if (state.map) { state.map.remove(); }
    state.map = proxisanteChoropleth("carte", state.geo, {
      key: key, title: title, classes: CLASSES, noData: "#bdbdbd", labelMinZoom: 10, legendExtra: ZONING_LEGEND + SITES_LEGEND,
      outline: state.contour || null, outlineLabel: "contour du bassin minier",
      attribution: "APL : DREES 2023 ; sites : FINESS, pages publiques",
      tooltip: [["apl_2023", "APL 2023"], ["apl_moins65_2023", "APL 2023 des moins de 65 ans"], ["zonage", "zonage"], ["apl_after", "après scénario"]]
    });
    var shown = [], bounds = state.map.choroplethLayer.getBounds();
    (state.sites || []).forEach(function (x) {
      if (x.lat === null || x.lon === null) { return; }
      siteMarker(x).addTo(state.map);
      shown.push(x.site_id);
      if (x.dans_territoire === false && bounds.isValid()) { bounds.extend([x.lat, x.lon]); }
    });
    if (bounds.isValid()) { state.map.fitBounds(bounds, { padding: [10, 10] }); }
    $("carte").setAttribute("data-sites", shown.join(" "));
  }
  /* A commune alone says little: show the communes of the sites of its catchment around it
     (grey outline, named when zoomed in). */
  function aroundSmallTerritory(s, r) {
    var inside = {};
    r[1].features.forEach(function (f) { inside[f.properties.code_insee] = true; });
    var codes = [];
    r[2].forEach(function (x) { if (!inside[x.commune] && codes.indexOf(x.commune) < 0) { codes.push(x.commune); } });
    if (s.communes > 3 || !codes.length) { return r; }
    return getJSON("/api/communes/geojson?codes=" + codes.slice(0, 300).join(",")).then(function (extra) {
      state.geo = { type: "FeatureCollection", features: r[1].features.concat(extra.features) };
      return r;
    }, function () { return r; });
  }
  /* Overseas départements: small maps in the corner of the national map (over Spain and the
     Atlantic), same colours, a click opens the département. */
  var OVERSEAS = [["971", "Guadeloupe"], ["972", "Martinique"], ["973", "Guyane"], ["974", "La Réunion"], ["976", "Mayotte"]];
  var insets = [];
  function clearInsets() {
    insets.forEach(function (m) { m.remove(); });
    insets = []; $("encarts").innerHTML = "";
  }
  function drawInsets(geo, national) {
    clearInsets();
    OVERSEAS.forEach(function (d, k) {
      var features = geo.features.filter(function (f) { return f.properties.code === d[0]; });
      if (!features.length) { return; }
      var box = document.createElement("div");
      box.id = "encart-" + d[0]; box.className = "encart";
      box.style.left = (8 + (k % 3) * 98) + "px"; box.style.bottom = (8 + Math.floor(k / 3) * 98) + "px";
      var name = document.createElement("span"); name.className = "encart-nom"; name.textContent = d[1];
      $("encarts").appendChild(box); box.appendChild(name);
      var m = proxisanteChoropleth(box.id, { type: "FeatureCollection", features: features }, Object.assign({}, national, {
        legend: false, labelMinZoom: undefined, attribution: null }));
      ["dragging", "scrollWheelZoom", "doubleClickZoom", "boxZoom", "keyboard", "touchZoom"].forEach(function (h) { m[h].disable(); });
      if (m.zoomControl) { m.zoomControl.remove(); }
      m.attributionControl.remove();
      insets.push(m);
    });
    $("carte").setAttribute("data-encarts", String(insets.length));
  }
  function drawNational() {
    getJSON("/api/departements/geojson").then(function (geo) {
      if (state.selector) { return; } /* a territory was opened meanwhile */
      if (state.map) { state.map.remove(); }
      var national = {
        key: "apl_2023", title: "APL 2023 moyenne du département", classes: CLASSES, noData: "#bdbdbd",
        codeKey: "code", labelMinZoom: 7, attribution: "APL : DREES 2023 (moyenne pondérée par la population standardisée)",
        tooltip: [["apl_2023", "APL 2023"], ["apl_2022", "APL 2022"]], legendPosition: "topright",
        onClick: function (p) { open("dep:" + p.code); }
      };
      var metropole = { type: "FeatureCollection", features: geo.features.filter(function (f) {
        return f.properties.code.length === 2; }) };
      state.map = proxisanteChoropleth("carte", metropole, national);
      state.map.fitBounds([[41.3, -5.2], [51.1, 9.6]]); /* metropolitan France, Corsica included */
      drawInsets(geo, national);
      $("carte").setAttribute("data-features", String(geo.features.length));
      $("carte").setAttribute("data-vue", "france");
    }).catch(function (e) { $("carte").setAttribute("data-erreur", e.message); });
  }
  function backToFrance() {
    state.selector = null; state.geo = null; state.sites = null;
    $("territoire").hidden = true; $("scenario").hidden = true; showFrance(true);
    if (window.history && history.replaceState) { history.replaceState(null, "", "/"); }
    drawNational();
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
  /* The national question and answer stand above the map of France; a territory's own
     take their place while it is open. */
  function showFrance(shown) { $("question-france").hidden = !shown; $("aide-france").hidden = !shown; }
  function open(selector) {
    state.selector = selector;
    clearInsets(); showFrance(false);
    if (window.history && history.replaceState) { history.replaceState(null, "", "/#" + encodeURIComponent(selector)); }
    $("resultats").innerHTML = "";
    Promise.all([getJSON("/api/territory/" + encodeURIComponent(selector)),
                 getJSON("/api/territory/" + encodeURIComponent(selector) + "/geojson"),
                 getJSON("/api/sites?within_minutes=" + CATCHMENT_MINUTES + "&territory=" + encodeURIComponent(selector))]).then(function (r) {
      var s = r[0]; state.summary = s; state.geo = r[1]; state.sites = r[2]; state.contour = r[1].contour || null;
      return aroundSmallTerritory(s, r);
    }).then(function (r) {
      var s = r[0];
      $("territoire").hidden = false; $("scenario").hidden = !window.PROXISANTE_WRITES; /* read-only server */
      $("territoire-nom").textContent = s.label;
      var apl = s.communes === 1 ? s.communes_list[0].apl_2023 : s.mean_apl_2023;
      $("territoire-apl").textContent = fr(apl, s.communes === 1 ? 3 : 2);
      $("territoire-question").textContent = s.question;
      $("territoire-sous-dotes").textContent = s.answer;
      noCog(selector); window.proxisantePlan($("plan-cog"), selector);
      $("lien-rapport").href = "/territoire/" + encodeURIComponent(selector);
      state.edits = []; listEdits(); $("resultat-scenario").textContent = ""; $("table-impact").hidden = true;
      $("soins-domicile").textContent = ""; medicoSites(state.sites);
      var cs = $("ajout-commune"); cs.innerHTML = "";
      s.communes_list.slice().sort(function (a, b) { return (a.apl_2023 === null ? 99 : a.apl_2023) - (b.apl_2023 === null ? 99 : b.apl_2023); })
        .forEach(function (c) {
          var o = document.createElement("option"); o.value = c.code_insee;
          o.textContent = c.nom + " (APL " + fr(c.apl_2023, 2) + ")"; o.setAttribute("data-a", c.a || ""); cs.appendChild(o);
        });
      ["csv", "xlsx", "gpkg", "html"].forEach(function (f) { $("dl-" + f).href = "/download/" + encodeURIComponent(selector) + "." + f; });
      draw("apl_2023", "APL 2023");
      $("carte").setAttribute("data-vue", "territoire");
      var dep = s.communes_list.length ? s.communes_list[0].code_insee.slice(0, s.communes_list[0].code_insee.startsWith("97") ? 3 : 2) : "";
      return getJSON("/api/sites?operator=filieris&territory=dep:" + dep);
    }).then(function (sites) {
      var sel = $("site"), seen = {};
      sel.innerHTML = "";
      /* the network's sites within 20 minutes first (another département too: Carmaux for
         the Aveyron), then the others of the département */
      var near = (state.sites || []).filter(function (x) { return x.operator === "filieris"; });
      near.concat(sites).filter(function (x) {
        if (x.status !== "open" || seen[x.site_id]) { return false; }
        seen[x.site_id] = true; return true;
      }).forEach(function (x) {
        var o = document.createElement("option"); o.value = x.site_id;
        o.textContent = x.name + " (" + staff(x) + ")"
          + (x.minutes > 0 ? " — à " + Math.round(x.minutes) + " min" : "");
        sel.appendChild(o);
      });
    }).catch(function (e) { $("territoire-nom").textContent = "Erreur : " + e.message; });
  }
  function label(edit) {
    if (edit.kind === "close_sites") { return "Fermeture : " + edit.label; }
    if (edit.kind === "change_staff") {
      return (edit.profession_fr || "Infirmiers") + " : " + (edit.delta_fte > 0 ? "+" : "") + fr(edit.delta_fte, 1) + " ETP — " + edit.label;
    }
    if (edit.kind === "departures") {
      return "Départs : " + edit.count + " " + edit.profession_fr + " " + (edit.at || "à " + edit.label);
    }
    if (edit.kind === "change_capacity") { return "Places : " + edit.capacity_places + " — " + edit.label; }
    if (edit.category === "ssiad") {
      return "Ouverture d'un SSIAD de " + edit.capacity_places + " places (" + fr(edit.fte.nurse, 1) + " ETP infirmiers) " + (edit.at || edit.label);
    }
    return "Ajout de " + fr(edit.fte.gp, 1) + " ETP de généraliste " + (edit.at || edit.label);
  }
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function cleanName(text) { return text.replace(/[^\w .,'’()\/-]/g, "").slice(0, 120) || "scenario"; }
  function scenarioBody() {
    var name = cleanName($("nom-scenario").value || state.edits.map(function (e) { return e.label; }).join(", "));
    return { name: name, edits: state.edits.map(function (e) {
      var copy = Object.assign({}, e); delete copy.label; delete copy.at; delete copy.profession_fr; return copy; }) };
  }
  function listEdits() {
    var ol = $("modifications"); ol.innerHTML = "";
    state.edits.forEach(function (e, i) {
      var li = document.createElement("li"), b = document.createElement("button");
      li.textContent = label(e) + " ";
      b.type = "button"; b.textContent = "retirer"; b.className = "retirer";
      b.addEventListener("click", function () { state.edits.splice(i, 1); listEdits(); evaluate(); });
      li.appendChild(b); ol.appendChild(li);
    });
  }
  function resetMap() { if (state.geo) { draw("apl_2023", "APL 2023"); } }
  function showTable(communes) {
    var rows = communes.slice().sort(function (a, b) {
      return Math.abs(b.delta_apl) - Math.abs(a.delta_apl) || b.population - a.population; }).slice(0, 15);
    var body = $("table-impact").querySelector("tbody"); body.innerHTML = "";
    rows.forEach(function (c) {
      var tr = document.createElement("tr");
      if (c.apl_after < 2.5) { tr.className = "sous-dote"; }
      [c.nom + " (" + c.code_insee + ")", int(c.population), fr(c.apl_before, 2), fr(c.apl_after, 2),
       (c.delta_apl > 0 ? "+" : "") + fr(c.delta_apl, 2)].forEach(function (v, k) {
        var td = document.createElement("td"); td.textContent = v; if (k) { td.className = "num"; } tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    $("table-impact").hidden = rows.length === 0;
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td"); td.textContent = text; if (cls) { td.className = cls; } tr.appendChild(td);
    return td;
  }
  /* A value per 1,000 aged 75+, flagged when under the threshold (« hypothèse »). */
  function per1000(v, under, missing, note) {
    /* note: « places inconnues … » (services whose number only is known) or « minimum … » */
    if (v === null || v === undefined) {
      if (note) { return note; }
      return missing ? "non disponible (" + missing + ")" : "non disponible";
    }
    return fr(v, 1) + (under ? " (sous le seuil)" : "") + (note ? " — " + note : "");
  }
  function communePlaces(v, under, unknown) {
    if (v === null || v === undefined) { return unknown ? "places inconnues (" + unknown + " SSIAD à portée)" : "non disponible"; }
    return per1000(v, under) + (unknown ? " (minimum)" : "");
  }
  function showHomeCare(hc) {
    var box = $("soins-domicile"); box.innerHTML = "";
    var h = document.createElement("h4");
    h.textContent = "Soins à domicile et prévention — " + hc.territoire + " (estimé)";
    box.appendChild(h);
    var t = document.createElement("table"); t.id = "table-soins";
    t.innerHTML = "<thead><tr><th></th><th class='num'>Avant</th><th class='num'>Après</th><th class='num'>Écart</th></tr></thead><tbody></tbody>";
    var body = t.querySelector("tbody");
    function row(key, name, before, after, change) {
      var tr = document.createElement("tr"); tr.setAttribute("data-indicateur", key);
      cell(tr, name); cell(tr, before, "num"); cell(tr, after, "num"); cell(tr, change, "num"); body.appendChild(tr);
    }
    function signed(a, b, d) {
      if (a === null || a === undefined || b === null || b === undefined) { return ""; }
      var x = b - a, txt = fr(Math.abs(x), d);
      return /^[0,]+$/.test(txt) ? txt : (x > 0 ? "+" : "−") + txt;
    }
    var unit = " pour 1 000 habitants de 75 ans ou plus, à moins de " + int(hc.cutoff_minutes) + " minutes";
    row("infirmiers", "Infirmiers" + unit + " (" + hc.nurse_label + ")",
        per1000(hc.nurses_before, hc.nurses_before < hc.nurse_threshold),
        per1000(hc.nurses_after, hc.nurses_after < hc.nurse_threshold), signed(hc.nurses_before, hc.nurses_after, 2));
    row("ssiad", "Places de SSIAD" + unit, per1000(hc.ssiad_before, hc.ssiad_before < hc.ssiad_threshold, hc.ssiad_missing, hc.ssiad_note),
        per1000(hc.ssiad_after, hc.ssiad_after < hc.ssiad_threshold, hc.ssiad_missing,
                hc.ssiad_after_note === hc.ssiad_note ? "" : hc.ssiad_note)
          + (hc.ssiad_after_note ? " — " + hc.ssiad_after_note : ""), signed(hc.ssiad_before, hc.ssiad_after, 2));
    row("ehpad", "Places d'EHPAD" + unit + " (référence nationale DREES : " + fr(hc.ehpad_france, 1) + ")",
        per1000(hc.ehpad_before, false, "", hc.ehpad_note), per1000(hc.ehpad_after, false, "", hc.ehpad_note),
        signed(hc.ehpad_before, hc.ehpad_after, 2));
    row("taux-ssiad", "Places de SSIAD du territoire (taux DREES)", hc.ssiad_rate_before_text, hc.ssiad_rate_after_text,
        signed(hc.ssiad_rate_before, hc.ssiad_rate_after, 1));
    /* SSIAD, SAAD and EHPAD of the territory: known places, capacities unknown said so */
    function places(n, known, unknown) {
      if (!n) { return "aucun site chargé"; }
      return n + " site(s), " + int(known) + " places connues" + (unknown ? " ; places inconnues pour " + unknown : "");
    }
    hc.medico_social.forEach(function (m) {
      if (!m.sites_before && !m.sites_after) { return; }
      row("places-" + m.category, m.label + " du territoire", places(m.sites_before, m.places_before, m.unknown_before),
          places(m.sites_after, m.places_after, m.unknown_after), signed(m.places_before, m.places_after, 0));
    });
    hc.prevention.forEach(function (p) {
      row("prevention-" + p.key, p.label + " à moins de " + int(hc.cutoff_minutes) + " minutes d'un centre de santé ouvert de l'offre chargée",
          int(p.before), int(p.after), (p.lost ? "−" + int(p.lost) + " sans centre" : "") + (p.lost && p.gained ? " ; " : "")
          + (p.gained ? "+" + int(p.gained) + " gagnant un centre" : "") + (p.lost || p.gained ? "" : "0"));
    });
    box.appendChild(t);
    var n = document.createElement("p"); n.className = "note"; n.id = "seuils-soins";
    n.textContent = "Seuils « sous-doté » (" + hc.threshold_label + ") : " + fr(hc.nurse_threshold, 1)
      + " infirmiers ou " + fr(hc.ssiad_threshold, 1) + " places de SSIAD pour 1 000 habitants de 75 ans ou plus (taux national DREES : "
      + fr(hc.ssiad_france, 1) + " places). Variation d'ETP infirmiers du scénario : " + signedFte(hc.nurse_fte_change) + ".";
    box.appendChild(n);
    var rows = hc.communes.slice().sort(function (a, b) {
      var ca = (a.nurses_after !== a.nurses_before || a.ssiad_after !== a.ssiad_before || a.centre_after !== a.centre_before) ? 1 : 0;
      var cb = (b.nurses_after !== b.nurses_before || b.ssiad_after !== b.ssiad_before || b.centre_after !== b.centre_before) ? 1 : 0;
      return cb - ca || (b.pop_75_plus || 0) - (a.pop_75_plus || 0);
    }).slice(0, 15);
    var tc = document.createElement("table"); tc.id = "table-soins-communes";
    tc.innerHTML = "<caption>Par commune (" + (hc.communes.length > rows.length ? rows.length + " sur " + hc.communes.length
      + ", celles qui changent d'abord" : "toutes") + ")</caption><thead><tr><th>Commune</th><th class='num'>75 ans ou plus</th>"
      + "<th class='num'>Infirmiers avant</th><th class='num'>après</th><th class='num'>SSIAD avant</th><th class='num'>après</th>"
      + "<th>Centre de santé à moins de " + int(hc.cutoff_minutes) + " min</th></tr></thead><tbody></tbody>";
    var cb = tc.querySelector("tbody");
    rows.forEach(function (c) {
      var tr = document.createElement("tr"); tr.setAttribute("data-code", c.code_insee);
      cell(tr, c.nom + " (" + c.code_insee + ")"); cell(tr, int(c.pop_75_plus || 0), "num");
      cell(tr, per1000(c.nurses_before, c.nurse_under_before), "num" + (c.nurse_under_before ? " sous-seuil" : ""));
      cell(tr, per1000(c.nurses_after, c.nurse_under_after), "num" + (c.nurse_under_after ? " sous-seuil" : ""));
      cell(tr, communePlaces(c.ssiad_before, c.ssiad_under_before, c.ssiad_unknown_before), "num" + (c.ssiad_under_before ? " sous-seuil" : ""));
      cell(tr, communePlaces(c.ssiad_after, c.ssiad_under_after, c.ssiad_unknown_after), "num" + (c.ssiad_under_after ? " sous-seuil" : ""));
      cell(tr, (c.centre_before ? "oui" : "non") + " → " + (c.centre_after ? "oui" : "non"), c.centre_before && !c.centre_after ? "sous-seuil" : "");
      cb.appendChild(tr);
    });
    box.appendChild(tc);
    var e = document.createElement("p"); e.className = "note"; e.textContent = hc.estimate_sentence; box.appendChild(e);
  }
  function homeCare() {
    $("soins-domicile").textContent = "Soins à domicile : calcul en cours…";
    return getJSON("/api/scenarios/home-care?territory=" + encodeURIComponent(state.selector), { method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + $("jeton").value },
      body: JSON.stringify(scenarioBody()) }).then(showHomeCare, function (e) {
      $("soins-domicile").textContent = "Soins à domicile : erreur : " + e.message;
    });
  }
  function evaluate() {
    if (!state.edits.length) {
      $("resultat-scenario").textContent = ""; $("table-impact").hidden = true; resetMap();
      $("soins-domicile").textContent = "";
      return Promise.resolve(null);
    }
    $("resultat-scenario").textContent = "Calcul en cours…";
    return getJSON("/api/scenarios/evaluate", { method: "POST", headers: { "Content-Type": "application/json",
      "Authorization": "Bearer " + $("jeton").value }, body: JSON.stringify(scenarioBody()) }).then(function (res) {
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
      /* SSIAD and home care: the territory's figures come below (« Soins à domicile »), not the
         national rate of the summary */
      $("resultat-scenario").innerHTML = "<p><span id='scenario-sous-dotes' class='chiffre bad'>" + int(s.newly_under)
        + "</span> habitants passeraient sous le seuil de 2,5 ; <span class='chiffre good'>" + int(s.lifted)
        + "</span> repasseraient au-dessus ; " + int(s.population_affected)
        + " habitants de " + s.communes_affected + " communes verraient leur APL changer ("
        + signedFte(s.fte_change) + " ETP).</p>"
        + (s.communes_affected ? "" : "<p id='aucun-effet' class='note'>Aucune APL ne change dans ce calcul : "
          + "aucun effectif de médecin connu ou estimé n'est retiré ni ajouté (voir les notes ci-dessous) ; "
          + "ce n'est pas la preuve d'un effet nul.</p>")
        + res.notes.map(function (n) { return "<p class='note'>" + escapeHtml(n) + "</p>"; }).join("")
        + "<p class='note'>" + escapeHtml(res.method) + "</p>";
      showTable(res.communes);
      showProfessions(res.professions || []);
      homeCare();
      return res;
    });
  }
  /* Access to the other professions before/after (estimated), and where it changes most. */
  function showProfessions(rows) {
    var box = $("autres-professions"); box.innerHTML = "";
    if (!rows.length) { return; }
    var t = document.createElement("table");
    t.innerHTML = "<caption>Accès aux autres professions, moyenne France (estimé)</caption><thead><tr>"
      + "<th>Profession</th><th>Unité</th><th class='num'>Avant</th><th class='num'>Après</th>"
      + "<th class='num'>ETP (scénario)</th></tr></thead><tbody></tbody>";
    var body = t.querySelector("tbody");
    rows.forEach(function (p) {
      var tr = document.createElement("tr"); tr.setAttribute("data-profession", p.profession);
      [p.label_fr, p.unit_fr, fr(p.before, 1), fr(p.after, 1), signedFte(p.fte_change)].forEach(function (v, k) {
        var td = document.createElement("td"); td.textContent = v; if (k > 1) { td.className = "num"; } tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    box.appendChild(t);
    rows.filter(function (p) { return p.communes.length; }).forEach(function (p) {
      var c = document.createElement("table"); c.className = "profession-communes";
      c.innerHTML = "<caption>" + escapeHtml(p.label_fr) + " : communes dont l'accès change le plus ("
        + escapeHtml(p.unit_fr) + ")</caption><thead><tr><th>Commune</th><th class='num'>Avant</th>"
        + "<th class='num'>Après</th><th class='num'>Variation</th></tr></thead><tbody></tbody>";
      var cb = c.querySelector("tbody");
      p.communes.slice(0, 10).forEach(function (r) {
        var tr = document.createElement("tr");
        [r.nom + " (" + r.code_insee + ")", fr(r.before, 1), fr(r.after, 1), (r.delta > 0 ? "+" : "") + fr(r.delta, 2)].forEach(function (v, k) {
          var td = document.createElement("td"); td.textContent = v; if (k) { td.className = "num"; } tr.appendChild(td);
        });
        cb.appendChild(tr);
      });
      box.appendChild(c);
    });
    var n = document.createElement("p"); n.className = "note";
    n.textContent = "Accès estimé : APL selon la méthode DREES de chaque profession, offre libérale INSEE BPE 2021 "
      + "(1 professionnel = 1 ETP) et personnel salarié connu ; hypothèses détaillées par « proxisante apl --profession ».";
    box.appendChild(n);
  }
  /* A change of FTE with its sign, "0" when it rounds to zero (never "-0"). */
  function signedFte(x) {
    var txt = fr(Math.abs(x), 1).replace(",0", "");
    return txt === "0" ? "0" : (x > 0 ? "+" : "-") + txt;
  }
  function add(edit) {
    state.edits.push(edit); listEdits();
    evaluate().catch(function (e) {
      state.edits.pop(); listEdits();
      $("resultat-scenario").textContent = "Erreur : " + e.message;
    });
  }
  $("fermer").addEventListener("click", function () {
    var site = $("site").value;
    if (!site) { return; }
    var already = state.edits.some(function (e) { return e.kind === "close_sites" && e.sites[0] === site; });
    if (already) { evaluate().catch(function (e) { $("resultat-scenario").textContent = "Erreur : " + e.message; }); return; }
    add({ kind: "close_sites", sites: [site], label: $("site").selectedOptions[0].textContent });
  });
  $("ajouter").addEventListener("click", function () {
    var code = $("ajout-commune").value, fte = parseFloat($("ajout-etp").value);
    if (!code || !(fte > 0)) { $("resultat-scenario").textContent = "Erreur : choisir une commune et un nombre d'ETP positif"; return; }
    var n = state.edits.length + 1;
    add({ kind: "open_site", site: "nouveau-" + code + "-" + n, name: "Nouveau centre " + n, commune: code,
          fte: { gp: fte }, label: $("ajout-commune").selectedOptions[0].textContent,
          at: $("ajout-commune").selectedOptions[0].getAttribute("data-a") });
  });
  $("modifier-infirmiers").addEventListener("click", function () {
    var site = $("site").value, delta = parseFloat($("infirmiers-etp").value);
    if (!site || !delta) { $("resultat-scenario").textContent = "Erreur : choisir un site et un nombre d'ETP non nul"; return; }
    add({ kind: "change_staff", site: site, profession: "nurse", delta_fte: delta, label: $("site").selectedOptions[0].textContent });
  });
  function professionChosen() {
    var sel = $("profession");
    return { code: sel.value, fr: sel.selectedOptions[0].textContent };
  }
  $("departs").addEventListener("click", function () {
    var code = $("ajout-commune").value, count = parseInt($("depart-nombre").value, 10), p = professionChosen();
    if (!code || !(count > 0)) { $("resultat-scenario").textContent = "Erreur : choisir une commune et un nombre de départs positif"; return; }
    add({ kind: "departures", commune: code, profession: p.code, count: count, profession_fr: p.fr,
          label: $("ajout-commune").selectedOptions[0].textContent,
          at: $("ajout-commune").selectedOptions[0].getAttribute("data-a") });
  });
  $("modifier-profession").addEventListener("click", function () {
    var site = $("site").value, delta = parseFloat($("profession-etp").value), p = professionChosen();
    if (!site || !delta) { $("resultat-scenario").textContent = "Erreur : choisir un site et un nombre d'ETP non nul"; return; }
    add({ kind: "change_staff", site: site, profession: p.code, delta_fte: delta, profession_fr: p.fr,
          label: $("site").selectedOptions[0].textContent });
  });
  $("ouvrir-ssiad").addEventListener("click", function () {
    var code = $("ajout-commune").value, places = parseInt($("ssiad-places").value, 10), fte = parseFloat($("ssiad-etp").value);
    if (!code || !(places > 0) || !(fte > 0)) {
      $("resultat-scenario").textContent = "Erreur : choisir une commune, un nombre de places et d'ETP positifs"; return;
    }
    var n = state.edits.length + 1;
    add({ kind: "open_site", site: "nouveau-ssiad-" + code + "-" + n, name: "Nouveau SSIAD " + n, commune: code,
          category: "ssiad", fte: { nurse: fte }, capacity_places: places, label: $("ajout-commune").selectedOptions[0].textContent,
          at: $("ajout-commune").selectedOptions[0].getAttribute("data-a") });
  });
  $("modifier-places").addEventListener("click", function () {
    var site = $("medico-site").value, places = parseInt($("medico-places").value, 10);
    if (!site || !(places >= 0)) { $("resultat-scenario").textContent = "Erreur : choisir un SSIAD ou un EHPAD et un nombre de places"; return; }
    add({ kind: "change_capacity", site: site, capacity_places: places, label: $("medico-site").selectedOptions[0].textContent });
  });
  /* SSIAD, SAAD and EHPAD within the catchment, for the places edit. */
  function medicoSites(sites) {
    var sel = $("medico-site"); sel.innerHTML = "";
    var kinds = { ssiad: "SSIAD", saad: "SAAD", ehpad: "EHPAD" };
    var found = (sites || []).filter(function (x) { return kinds[x.category] && x.status === "open"; });
    found.forEach(function (x) {
      var o = document.createElement("option"); o.value = x.site_id;
      o.textContent = kinds[x.category] + " — " + x.name + " (" + (x.capacity_places === null ? "capacité inconnue" : x.capacity_places + " places") + ")";
      sel.appendChild(o);
    });
    if (!found.length) {
      var o = document.createElement("option"); o.value = ""; o.disabled = true; o.selected = true;
      o.textContent = "Aucun SSIAD, SAAD ni EHPAD chargé à moins de " + CATCHMENT_MINUTES + " minutes (importer un extrait FINESS)";
      sel.appendChild(o);
    }
  }
  $("retour-france").addEventListener("click", backToFrance);
  if (location.hash.length > 1) { open(decodeURIComponent(location.hash.slice(1))); } else { drawNational(); }
  window.addEventListener("hashchange", function () { /* a link to another territory of this page */
    var wanted = decodeURIComponent(location.hash.slice(1));
    if (!wanted) { backToFrance(); } else if (wanted !== state.selector) { open(wanted); }
  });
  $("recommencer").addEventListener("click", function () { state.edits = []; listEdits(); evaluate(); });
  $("enregistrer").addEventListener("click", function () {
    if (!state.edits.length) { $("enregistrement").textContent = "Rien à enregistrer : ajoutez d'abord une modification."; return; }
    getJSON("/api/scenarios", { method: "POST", headers: { "Content-Type": "application/json",
      "Authorization": "Bearer " + $("jeton").value }, body: JSON.stringify(scenarioBody()) }).then(function (r) {
      $("enregistrement").textContent = "Scénario « " + r.saved + " » enregistré.";
    }).catch(function (e) { $("enregistrement").textContent = "Erreur : " + e.message; });
  });
})();
