(function () {
  "use strict";
  // Claim details come from a JSON blob and are put on the page with
  // textContent only: article and reference text is never parsed as HTML.
  var data = JSON.parse(document.getElementById("claims-data").textContent);
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.claim"));
  var panel = document.getElementById("details");
  var textBox = document.getElementById("article-text");
  var current = -1;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function label(text) { return el("div", "d-label", text); }

  function studyItem(s) {
    var li = el("li");
    li.appendChild(el("span", "cite", s.citation || ""));
    var bits = [];
    if (s.design) { bits.push(s.design); }
    if (s.n) { bits.push("n=" + Number(s.n).toLocaleString("en-US")); }
    if (bits.length) { li.appendChild(el("span", "design", " — " + bits.join(", "))); }
    if (s.pmid) { li.appendChild(el("span", "design", " · PMID " + s.pmid)); }
    else if (s.doi) { li.appendChild(el("span", "design", " · doi:" + s.doi)); }
    if (s.finding) { li.appendChild(el("div", "design", s.finding)); }
    if (s.links && s.links.length) {
      // PubMed / doi.org / the study's own page; the page builds only http(s) addresses.
      var links = el("div", "links");
      s.links.forEach(function (link, k) {
        if (!/^https?:\/\//i.test(link.href)) { return; }
        if (k) { links.appendChild(document.createTextNode(" · ")); }
        var a = el("a", null, link.label);
        a.href = link.href;
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        links.appendChild(a);
      });
      li.appendChild(links);
    }
    return li;
  }

  function render(i) {
    var d = data[i];
    var box = el("div", "d-body");
    var head = el("div", "d-head");
    var badge = el("span", "badge", d.verdict);
    badge.setAttribute("data-verdict", d.verdict);
    head.appendChild(badge);
    head.appendChild(el("span", "meta", d.rule + " · line " + d.line + ":" + d.column +
      (d.suppressed ? " · suppressed" : "")));
    box.appendChild(head);
    var quote = el("blockquote", "d-quote", d.text);
    quote.setAttribute("data-verdict", d.verdict);
    box.appendChild(quote);

    box.appendChild(label("Why"));
    box.appendChild(el("p", "d-text d-reason", d.reason));
    if (d.suggestion) {
      box.appendChild(label("Suggested wording"));
      box.appendChild(el("p", "d-suggest", d.suggestion));
    }
    if (d.reference_id) {
      box.appendChild(label("Reference claim"));
      var ref = el("p", "d-ref");
      ref.appendChild(el("span", "rid", d.reference_id));
      if (d.reference_text) { ref.appendChild(document.createTextNode(" " + d.reference_text)); }
      box.appendChild(ref);
      var grade = "Evidence: " + (d.evidence_grade || "?");
      if (!d.studies.length) {
        grade += ", no study found either way";
      } else if (d.stance === "refutes") {
        grade += ", against this claim";
      } else {
        if (d.stance) { grade += " · stance " + d.stance; }
        if (d.max_strength !== null && d.max_strength !== undefined) {
          grade += " · wording allowed up to " + d.max_strength + " (" + d.max_strength_name + ")";
        }
        grade += " · this claim: " + d.strength + " (" + d.strength_name + ")";
      }
      if (d.score !== null && d.score !== undefined) { grade += " · match " + Math.round(d.score) + "/100"; }
      box.appendChild(el("div", "d-grade", grade));
      if (d.studies.length) {
        box.appendChild(label(d.studies.length === 1 ? "Study" : "Studies"));
        var ul = el("ul", "d-studies");
        d.studies.forEach(function (s) { ul.appendChild(studyItem(s)); });
        box.appendChild(ul);
      }
    } else if (d.candidates.length) {
      box.appendChild(label("Closest reference claims"));
      var cl = el("ul", "d-studies");
      d.candidates.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("span", "rid", c.reference_id + " "));
        if (c.text) { li.appendChild(document.createTextNode(c.text)); }
        if (c.score !== null) { li.appendChild(el("span", "design", " (" + Math.round(c.score) + "/100)")); }
        cl.appendChild(li);
      });
      box.appendChild(cl);
    }
    var nav = el("div", "d-nav");
    var prev = el("button", "nav", "← Prev");
    prev.type = "button";
    prev.addEventListener("click", function () { step(-1); });
    var next = el("button", "nav", "Next →");
    next.type = "button";
    next.addEventListener("click", function () { step(1); });
    nav.appendChild(prev);
    nav.appendChild(next);
    head.appendChild(nav);
    return box;
  }

  function select(i, scroll) {
    if (i < 0 || i >= marks.length) { return; }
    if (current >= 0) { marks[current].classList.remove("active"); }
    current = i;
    var m = marks[i];
    m.classList.add("active");
    var title = el("h2", null, "Details");
    panel.replaceChildren(title, render(i));
    panel.scrollTop = 0;
    if (scroll) { m.scrollIntoView({ block: "center", behavior: "auto" }); }
    if (history.replaceState) { history.replaceState(null, "", "#c" + i); }
  }

  function visible(i) {
    var m = marks[i];
    if (!m) { return false; }
    var v = m.getAttribute("data-verdict");
    if (textBox.classList.contains("hide-" + v)) { return false; }
    if (m.getAttribute("data-suppressed") === "true" && textBox.classList.contains("hide-suppressed")) { return false; }
    return true;
  }

  function step(dir) {
    // Move to the next/previous claim that is shown and is not supported.
    var i = current;
    for (var k = 0; k < marks.length; k++) {
      i = (i + dir + marks.length) % marks.length;
      if (visible(i) && marks[i].getAttribute("data-verdict") !== "supported") { select(i, true); return; }
    }
  }

  marks.forEach(function (m) {
    var i = Number(m.getAttribute("data-i"));
    m.addEventListener("click", function () { select(i, false); });
    m.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); select(i, false); }
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("[data-goto]"), function (b) {
    b.addEventListener("click", function () { select(Number(b.getAttribute("data-goto")), true); });
  });

  var lists = [textBox, document.getElementById("todo")];
  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (box) {
    box.addEventListener("change", function () {
      var cls = "hide-" + box.getAttribute("data-filter");
      lists.forEach(function (l) { if (l) { l.classList.toggle(cls, !box.checked); } });
    });
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    var tag = (ev.target && ev.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA") { return; }
    if (ev.key === "n" || ev.key === "j") { step(1); }
    else if (ev.key === "p" || ev.key === "k") { step(-1); }
  });

  var m = /^#c(\d+)$/.exec(location.hash);
  if (m) { select(Number(m[1]), true); }
})();
