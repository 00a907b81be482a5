/* The plan of a territory against the world without a COG (French UI): a button that asks
   GET /api/territory/{selector}/plan and shows the per-year table, the report's chart and the
   plan's sources. Used by the map page's territory panel and by /territoire/{selector}. */
(function () {
  "use strict";
  var FROM = 2025, TO = 2028;
  function esc(t) {
    return String(t).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function int(v) { return v === null || v === undefined ? "—" : Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f"); }
  function dec(v, d) { return v === null || v === undefined ? "—" : v.toFixed(d).replace(".", ","); }
  /* Columns shown, by their position in proxisante.plan.compare.VERSUS_COLUMNS: year,
     under 2.5 without a COG (with its range), with the plan, lifted, FTE, net cost of the
     year, cumulated net cost, cost per inhabitant lifted. */
  function table(p) {
    var c = p.colonnes;
    var head = ["année", "habitants sous 2,5 sans COG (APL zonage, estimé)", "fourchette sans COG",
      "habitants sous 2,5 avec le plan (APL zonage, estimé)", "habitants sortis au-dessus de 2,5 (estimé)",
      "ETP ajoutés (cumul)", "coût net de l'année (€, estimé)", "coût net cumulé (€, estimé)",
      "coût net cumulé par habitant sorti (€, estimé)"];
    var html = "<table class='plan-versus'><thead><tr>" + head.map(function (h) { return "<th>" + esc(h) + "</th>"; }).join("")
      + "</tr></thead><tbody>";
    p.lignes.forEach(function (r) {
      var cells = [r[c[0]], int(r[c[1]]), r[c[2]], int(r[c[3]]), int(r[c[7]]), dec(r[c[8]], 1),
        int(r[c[9]]), int(r[c[10]]), r[c[11]] === null ? "— (aucun habitant sorti)" : int(r[c[11]])];
      html += "<tr>" + cells.map(function (x, i) { return "<td" + (i ? " class='num'" : "") + ">" + esc(x) + "</td>"; }).join("") + "</tr>";
    });
    return html + "</tbody></table>";
  }
  function sources(p) {
    var rows = p.sources.map(function (s) {
      return "<tr><td>" + esc(s["hypothèse"]) + "</td><td class='num'>" + esc(s.valeur === null ? "" : s.valeur)
        + "</td><td>" + esc(s["unité"] || "") + "</td><td>" + esc(s.statut || "") + "</td><td>" + esc(s.source || "") + "</td></tr>";
    }).join("");
    return "<details><summary>Sources et hypothèses</summary><table class='plan-sources'><thead><tr><th>hypothèse</th>"
      + "<th>valeur</th><th>unité</th><th>statut</th><th>source</th></tr></thead><tbody>" + rows + "</tbody></table></details>";
  }
  function render(box, p) {
    var r0 = p.lignes[0], c = p.colonnes;
    box.innerHTML = "<h4>Le plan " + FROM + "–" + TO + " face à la situation sans COG — " + esc(p.territoire) + "</h4>"
      + (p.lignes.length ? p.graphique_svg + table(p) : "<p>Pas de médecins généralistes dans ce plan.</p>")
      + "<p class='note'>" + esc(p.note) + (r0 ? " Ancrage officiel (DREES) : " + int(r0[c[12]])
        + " habitants sous 2,5 selon l'APL des moins de 65 ans, " + int(r0[c[13]]) + " selon l'APL de tous les médecins." : "")
      + "</p><p class='note'>" + esc(p.methode) + " Calcul : " + dec(p.calcul_s, 1) + " s.</p>"
      + "<ul class='note'>" + p.notes.map(function (n) { return "<li>" + esc(n) + "</li>"; }).join("") + "</ul>"
      + sources(p);
  }
  /* Put the button into ``box`` for ``selector`` (replacing what was there). */
  window.proxisantePlan = function (box, selector) {
    box.innerHTML = "";
    var button = document.createElement("button");
    button.type = "button"; button.className = "plan-bouton";
    button.textContent = "Calculer le plan " + FROM + "–" + TO + " et le comparer à l'absence de COG";
    var out = document.createElement("div"); out.className = "plan-resultat";
    button.addEventListener("click", function () {
      button.disabled = true;
      out.textContent = "Calcul du plan en cours (jusqu'à une vingtaine de secondes)…";
      fetch("/api/territory/" + encodeURIComponent(selector) + "/plan?from=" + FROM + "&to=" + TO).then(function (r) {
        return r.json().then(function (b) { if (!r.ok) { throw new Error(b.error || r.status); } return b; });
      }).then(function (p) { render(out, p); }).catch(function (e) {
        out.innerHTML = "<p class='erreur'>Plan non calculé : " + esc(e.message) + "</p>";
      }).then(function () { button.disabled = false; });
    });
    box.appendChild(button); box.appendChild(out);
  };
})();
