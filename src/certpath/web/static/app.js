// certpath's planner page. Plain script, no library, no network beyond this server.
// Every text from the data goes into the page with textContent (or as a text node), never as HTML.
// The whole question lives in the URL, with the API's parameter names, so a URL is a question:
// it can be shared, bookmarked, and the back button goes to the previous one.
(function () {
  "use strict";

  var LISTS = ["have", "holds", "experience", "exclude", "include", "delivery"];
  var SCALARS = ["target", "minimize", "budget_hours", "budget_cost", "alternatives", "with_recommended"];
  var state = emptyState();
  var labels = new Map(); // a name as it stands in the URL (CURIE, IRI, text) -> its label
  var opts = null; // /api/options
  var roles = []; // /api/roles
  var asked = 0; // the latest question; older answers are dropped

  function $(id) { return document.getElementById(id); }

  function emptyState() {
    return {
      target: "", have: [], holds: [], experience: [], exclude: [], include: [], delivery: [],
      minimize: "hours", budget_hours: "", budget_cost: "", alternatives: "", with_recommended: false
    };
  }

  // An element with attributes and children; strings become text nodes.
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      if (!Object.prototype.hasOwnProperty.call(attrs, key) || attrs[key] === null) { continue; }
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "class") { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    }
    for (var i = 2; i < arguments.length; i++) {
      if (arguments[i] !== null && arguments[i] !== undefined) { node.append(arguments[i]); }
    }
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function splitAt(item) {
    var at = item.lastIndexOf("@");
    if (at < 0) { return [item, null]; }
    return [item.slice(0, at), item.slice(at + 1)];
  }

  function number(value) {
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }
  // As the CLI prints them (planning/report.py): "30.5 h", "USD 1,195", "12.50", "1 step".
  function hours(value) { return String(Number(value)) + " h"; }
  function money(amount, currency) {
    if (amount === null || amount === undefined) { return "mixed currencies"; }
    var text = Number(amount).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    if (text.slice(-3) === ".00") { text = text.slice(0, -3); }
    return currency ? currency + " " + text : text;
  }
  function count(n, word) { return n === 1 ? "1 " + word : n + " " + word + "s"; }

  function labelOf(name, answer) {
    if (answer && answer.labels && answer.labels[name]) { return answer.labels[name]; }
    return labels.get(name) || name;
  }

  function levelName(level) {
    var name = opts && opts.levels[String(level)];
    return name ? level + " (" + name + ")" : String(level);
  }

  // ------------------------------------------------------------------ the URL

  function toParams(s) {
    var params = new URLSearchParams();
    if (s.target) { params.set("target", s.target); }
    LISTS.forEach(function (name) { s[name].forEach(function (v) { params.append(name, v); }); });
    if (s.minimize && s.minimize !== "hours") { params.set("minimize", s.minimize); }
    ["budget_hours", "budget_cost"].forEach(function (name) {
      if (s[name] !== "") { params.set(name, s[name]); }
    });
    if (s.alternatives !== "" && Number(s.alternatives) > 0) { params.set("alternatives", s.alternatives); }
    if (s.with_recommended) { params.set("with_recommended", "true"); }
    return params;
  }

  function fromParams(params) {
    var s = emptyState();
    LISTS.forEach(function (name) { s[name] = params.getAll(name).filter(Boolean); });
    SCALARS.forEach(function (name) {
      var value = params.get(name.replace("_", "-")) || params.get(name);
      if (value === null) { return; }
      if (name === "with_recommended") { s[name] = ["", "1", "true", "yes", "on"].indexOf(value) >= 0; }
      else { s[name] = value; }
    });
    return s;
  }

  function push() {
    var query = toParams(state).toString();
    var url = location.pathname + (query ? "?" + query : "");
    if (url !== location.pathname + location.search) { history.pushState(null, "", url); }
  }

  // ------------------------------------------------------------------ type-ahead

  function Combo(input, onPick) {
    var list = $(input.getAttribute("aria-controls"));
    var kinds = (input.getAttribute("data-kind") || "").split(" ").filter(Boolean);
    var hits = [];
    var active = -1;
    var timer = null;
    var sequence = 0;
    var self = this;
    this.picked = null;
    this.input = input;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      active = index;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      }
    }
    function pick(index) {
      var hit = hits[index];
      if (!hit) { return; }
      self.picked = hit;
      labels.set(hit.curie, hit.label);
      input.value = hit.label;
      close();
      if (onPick) { onPick(hit); }
    }
    function show(found) {
      hits = found;
      clear(list);
      found.forEach(function (hit, i) {
        var kind = hit.kind === "offer" ? "" : hit.kind;
        var item = el("li", { role: "option", id: list.id + "-" + i, "aria-selected": "false" },
          el("span", { text: hit.label }), el("small", { text: kind ? kind + " · " + hit.curie : hit.curie }));
        item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(i); });
        list.append(item);
      });
      if (!found.length) {
        list.append(el("li", { class: "none", text: "No match", "aria-disabled": "true" }));
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(found.length ? 0 : -1);
    }
    // Ask for matches; with *thenPick*, pick the best one as soon as they come.
    function search(thenPick) {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      var params = new URLSearchParams({ q: text, limit: "8" });
      kinds.forEach(function (kind) { params.append("kind", kind); });
      var mine = ++sequence;
      fetch("/api/search?" + params.toString()).then(function (r) { return r.json(); }).then(function (found) {
        if (mine !== sequence || (!thenPick && document.activeElement !== input)) { return; }
        show(Array.isArray(found) ? found : []);
        if (thenPick && hits.length) { pick(0); }
      }).catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      self.picked = null;
      clearTimeout(timer);
      timer = setTimeout(function () { search(false); }, 120);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && hits.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) { search(false); return; }
        highlight(Math.min(active + 1, hits.length - 1));
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (open && active >= 0) { pick(active); }
        else if (self.picked && input.value.trim() === self.picked.label) { self.add(); }
        else if (input.value.trim()) { search(true); } // typed faster than the matches came
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    this.add = function () {};
    // The name to put in the question: the picked entity's CURIE, or the text as typed.
    this.name = function () {
      var text = input.value.trim();
      if (self.picked && self.picked.label === text) { return self.picked.curie; }
      return text;
    };
    this.reset = function () { input.value = ""; self.picked = null; close(); };
  }

  // ------------------------------------------------------------------ the form

  function chip(list, name, text, remove, what) {
    var button = el("button", { type: "button", class: "remove", "aria-label": "Remove " + (what || text), text: "×" });
    button.addEventListener("click", remove);
    list.append(el("li", { "data-name": name }, el("span", { text: text }), button));
  }

  function renderChips() {
    var have = clear($("have-list"));
    state.have.forEach(function (item, i) {
      var parts = splitAt(item);
      var level = parts[1] === null ? 5 : parts[1];
      var text = labelOf(parts[0]) + " — level " + levelName(level);
      chip(have, item, text, function () { removeAt("have", i, "competency-input"); }, labelOf(parts[0]));
    });
    var holds = clear($("holds-list"));
    state.holds.forEach(function (item, i) {
      chip(holds, item, labelOf(item), function () { removeAt("holds", i, "holds-input"); });
    });
    var excluded = clear($("exclude-list"));
    state.exclude.forEach(function (item, i) {
      chip(excluded, item, "Not " + labelOf(item), function () { removeAt("exclude", i, "exclude-input"); });
    });
    var included = clear($("include-list"));
    state.include.forEach(function (item, i) {
      chip(included, item, "With " + labelOf(item), function () { removeAt("include", i, "include-input"); });
    });
    var experience = clear($("experience-list"));
    state.experience.forEach(function (item, i) {
      var parts = splitAt(item);
      var text = parts[1] + " months as " + labelOf(parts[0]);
      chip(experience, item, text, function () { removeAt("experience", i, "experience-role"); });
    });
  }

  function renderForm() {
    $("target").value = state.target;
    if ($("target").value !== state.target && state.target) {
      // a role named in the URL by label, alias or IRI: keep it as it was asked
      $("target").append(el("option", { value: state.target, text: labelOf(state.target) }));
      $("target").value = state.target;
    }
    document.querySelectorAll("input[name=minimize]").forEach(function (radio) {
      radio.checked = radio.value === (state.minimize || "hours");
    });
    document.querySelectorAll("input[name=delivery]").forEach(function (box) {
      box.checked = state.delivery.indexOf(box.value) >= 0;
    });
    $("budget-hours").value = state.budget_hours;
    $("budget-cost").value = state.budget_cost;
    $("alternatives").value = state.alternatives;
    $("with-recommended").checked = !!state.with_recommended;
    renderChips();
    var person = new URLSearchParams();
    ["have", "holds", "experience"].forEach(function (name) {
      state[name].forEach(function (v) { person.append(name, v); });
    });
    $("download-profile").href = "/api/profile" + (person.toString() ? "?" + person.toString() : "");
  }

  function changed() { push(); renderForm(); answer(); }

  function removeAt(list, index, focusId) {
    state[list].splice(index, 1);
    changed();
    $(focusId).focus();
  }

  function addTo(list, item) {
    if (item && state[list].indexOf(item) < 0) { state[list].push(item); }
    changed();
  }

  function readNumbers() {
    state.budget_hours = $("budget-hours").value.trim();
    state.budget_cost = $("budget-cost").value.trim();
    state.alternatives = $("alternatives").value.trim();
  }

  // ------------------------------------------------------------------ the answer

  function getJSON(path, params) {
    return fetch(path + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { status: response.status, data: data }; });
      });
  }

  function showError(message, suggestions) {
    var box = clear($("error"));
    box.append(el("p", { text: message }));
    if (suggestions && suggestions.length) {
      box.append(el("p", { text: "Did you mean: " + suggestions.join("; ") + "?" }));
    }
    box.hidden = false;
  }

  function answer() {
    var mine = ++asked;
    var person = toParams(state);
    var plan = new URLSearchParams(person);
    plan.set("labels", "true");
    $("error").hidden = true;
    var closest = new URLSearchParams();
    ["have", "holds", "experience"].forEach(function (name) {
      state[name].forEach(function (v) { closest.append(name, v); });
    });
    closest.set("minimize", state.minimize || "hours");
    closest.set("top", "5");
    closest.set("labels", "true");
    var asks = [getJSON("/api/closest", closest)];
    if (state.target) {
      var gaps = new URLSearchParams();
      gaps.set("target", state.target);
      ["have", "holds", "experience"].forEach(function (name) {
        state[name].forEach(function (v) { gaps.append(name, v); });
      });
      gaps.set("labels", "true");
      asks.push(getJSON("/api/plan", plan), getJSON("/api/gaps", gaps));
      $("status").textContent = "Planning…";
    } else {
      $("status").textContent = "Choose a role to see your path.";
      $("plan").hidden = true;
      $("no-plan").hidden = true;
      $("gaps-section").hidden = true;
    }
    document.body.setAttribute("data-busy", "true");
    return Promise.all(asks).then(function (answers) {
      if (mine !== asked) { return; }
      renderClosest(answers[0]);
      if (state.target) {
        renderPlan(answers[1], plan);
        renderGaps(answers[2]);
      }
    }).catch(function (exc) {
      if (mine === asked) { showError("The server did not answer: " + exc); }
    }).then(function () {
      if (mine === asked) {
        document.body.setAttribute("data-busy", "false");
        document.body.setAttribute("data-answered", String(mine));
      }
    });
  }

  // Months the person says they have worked as the role *iri* (0 when none).
  function heldMonths(iri) {
    var held = 0;
    state.experience.forEach(function (item) {
      var parts = splitAt(item);
      if (parts[0] === iri || roleName(iri) === parts[0]) { held = Number(parts[1]) || 0; }
    });
    return held;
  }

  // Where each step is: offer IRI -> position; role IRI -> [position, months as the role after
  // it] of each experience step (in JSON an experience step names its role, not an IRI).
  function stepPositions(data) {
    var where = { offers: {}, work: {} };
    var worked = {};
    data.steps.forEach(function (step, i) {
      if (step.kind === "experience") {
        worked[step.role] = (worked[step.role] === undefined ? heldMonths(step.role) : worked[step.role]) + step.months;
        (where.work[step.role] = where.work[step.role] || []).push([i + 1, worked[step.role]]);
      } else {
        where.offers[step.iri] = i + 1;
      }
    });
    return where;
  }

  // As the CLI says it: "step 1, CSPO; step 2, 12 months as Product Owner" or "you have ...".
  function unlockText(step, index, where, answer) {
    if (!step.unlocked_by.length) { return "nothing needed (no prerequisites)"; }
    return step.unlocked_by.map(function (iri) {
      if (where.offers[iri]) { return "step " + where.offers[iri] + ", " + labelOf(iri, answer); }
      var before = (where.work[iri] || []).filter(function (w) { return w[0] < index + 1; });
      if (before.length) {
        var last = before[before.length - 1];
        return "step " + last[0] + ", " + count(last[1], "month") + " as " + labelOf(iri, answer);
      }
      var held = heldMonths(iri);
      return "you have " + (held ? count(held, "month") + " as " : "") + labelOf(iri, answer);
    }).join("; ");
  }

  function meetsText(step, answer) {
    return step.meets.map(function (m) {
      if (m.role) { return count(m.months, "month") + " as " + labelOf(m.role, answer); }
      return labelOf(m.competency, answer) + " ≥" + m.level;
    }).join(", ");
  }

  // "5 steps, 48 h, USD 3,700, 24 months of work experience", as the CLI prints a total.
  function totalText(total) {
    return count(total.steps, "step") + ", " + hours(total.hours) + ", " + money(total.cost, total.currency) +
      (total.months ? ", " + count(total.months, "month") + " of work experience" : "");
  }

  function measureText(measure) {
    return measure === "months" ? "months (the fastest route)" : measure;
  }

  function renderPlan(response, params) {
    var data = response.data;
    var planBox = $("plan");
    var noPlan = $("no-plan");
    if (response.status !== 200) {
      planBox.hidden = true;
      noPlan.hidden = true;
      $("status").textContent = "The question cannot be answered as asked.";
      showError(data.error || "error " + response.status, data.suggestions);
      return;
    }
    if (data.feasible === false) {
      planBox.hidden = true;
      $("status").textContent = "No path exists for this question.";
      $("no-plan-message").textContent = data.message;
      var reasons = clear($("no-plan-reasons"));
      data.reasons.forEach(function (reason) { reasons.append(el("li", { text: reasonText(reason, data) })); });
      noPlan.hidden = false;
      showPicture(null);
      return;
    }
    noPlan.hidden = true;
    planBox.hidden = false;
    var total = data.total;
    var proof = data.optimal ? "optimal" : "not proved optimal";
    $("status").textContent = "Path to " + data.target.label + ", minimising " + measureText(data.minimize) + " (" + proof + ").";
    $("totals").textContent = "Total: " + totalText(total);
    var where = stepPositions(data);

    var timeline = clear($("timeline"));
    timeline.append(el("li", { class: "have" }, el("span", { class: "when", text: "Now" }),
      el("span", { class: "what", text: "What you have" }),
      el("span", { class: "how", text: state.have.length + " competencies, " + state.holds.length + " held" +
        (state.experience.length ? ", " + state.experience.length + " experience" : "") })));
    data.steps.forEach(function (step, i) {
      var work = step.kind === "experience";
      var how = work
        ? count(step.months, "month") + " of work, no learning hours"
        : hours(step.hours) + " · " + money(step.cost, step.currency);
      timeline.append(el("li", { "data-iri": step.iri || step.role, class: work ? "experience" : "offer" },
        el("span", { class: "when", text: "Step " + (i + 1) }),
        el("span", { class: "what", text: step.label }), el("span", { class: "how", text: how })));
    });
    timeline.append(el("li", { class: "goal" }, el("span", { class: "when", text: "Goal" }),
      el("span", { class: "what", text: data.target.label }),
      el("span", { class: "how", text: data.steps.length ? "every requirement met" : "already met" })));

    var body = clear($("steps").tBodies[0]);
    data.steps.forEach(function (step, i) {
      var work = step.kind === "experience";
      var provider = work ? "work experience · " + count(step.months, "month")
        : step.provider ? labelOf(step.provider, data) : "no provider";
      var cost = work ? "—" : money(step.cost, step.currency);
      var delivery = work ? "—" : (step.delivery || []).join(", ") || "not stated";
      body.append(el("tr", { "data-iri": step.iri || step.role, "data-kind": step.kind || "offer" },
        el("td", { class: "num", text: String(i + 1) }),
        el("td", null, el("span", { text: step.label })),
        el("td", { text: provider }),
        el("td", { class: "num", text: hours(step.hours || 0) }),
        el("td", { class: "num", text: cost }),
        el("td", { text: delivery }),
        el("td", { text: meetsText(step, data) }),
        el("td", { text: unlockText(step, i, where, data) })));
    });
    if (!data.steps.length) {
      body.append(el("tr", null, el("td", { colspan: "8", text: "Nothing to learn: every requirement is already met." })));
    }
    listSection("milestones", groupMilestones(data).map(function (entry) {
      return "After step " + entry[0] + " you qualify for: " + entry[1].join(", ");
    }));
    listSection("already-met", data.already_met.map(function (met) {
      var by = met.met_by === met.competency ? "" : " (through " + labelOf(met.met_by, data) + ")";
      return labelOf(met.competency, data) + " ≥" + met.level + by;
    }));
    listSection("alternatives-list", data.alternatives.map(function (alt) {
      // an alternative names an experience step by its role
      var names = alt.steps.map(function (iri) {
        return (isRole(iri) ? "work as " : "") + labelOf(iri, data);
      }).join(", ");
      return "+" + number(alt.difference) + " " + data.minimize + ": " + names + " — " + totalText(alt.total);
    }));
    var picture = new URLSearchParams(params);
    picture.delete("labels");
    showPicture("/picture/plan?" + picture.toString());
  }

  // A new frame for each picture: navigating the old one would add to the tab's history, and
  // the back button would then page through pictures instead of questions.
  function showPicture(src) {
    var old = $("picture");
    var frame = el("iframe", { id: "picture", title: old.title, sandbox: "allow-scripts" });
    if (src) { frame.src = src; }
    old.replaceWith(frame);
  }

  function groupMilestones(data) {
    var byStep = {};
    data.milestones.forEach(function (m) {
      (byStep[m.after_step + 1] = byStep[m.after_step + 1] || []).push(labelOf(m.role, data));
    });
    return Object.keys(byStep).sort(function (a, b) { return a - b; }).map(function (k) {
      return [k, byStep[k].sort()];
    });
  }

  function listSection(id, lines) {
    var box = $(id);
    var list = clear(box.querySelector("ul, ol"));
    lines.forEach(function (line) { list.append(el("li", { text: line })); });
    box.hidden = !lines.length;
  }

  // The reasons a plan cannot exist, in plain words.
  function reasonText(reason, data) {
    var name = function (iri) { return labelOf(String(iri), data); };
    switch (reason.kind) {
      case "untaught":
        return "Nothing allowed teaches " + name(reason.competency) + " at level " + reason.level + " or above.";
      case "blocked":
        return name(reason.offer) + " cannot be started: it needs " +
          (reason.prerequisites || []).map(name).join(", ") + ".";
      case "include":
        return reason.allowed ? "The offer you asked for, " + name(reason.offer) + ", can never be started."
          : "The offer you asked for, " + name(reason.offer) + ", is excluded or filtered out.";
      case "budget":
        var unit = reason.measure === "hours" ? " hours" : "";
        return "The " + reason.measure + " budget of " + number(reason.budget) + unit +
          " is too small: the least that works is " + number(reason.least) + unit + ".";
      case "route":
        return "No chain of roles leads from " + name(reason.source) + " to " + name(reason.target) + ".";
      case "experience":
        return "The experience needed for " + name(reason.role || reason.gate || "") + " can never be gained here.";
      default:
        return reason.kind + ": " + JSON.stringify(reason);
    }
  }

  function renderGaps(response) {
    var section = $("gaps-section");
    if (response.status !== 200) { section.hidden = true; return; }
    var data = response.data;
    var experience = data.experience || [];
    var met = data.gaps.filter(function (g) { return g.essential && g.status === "met"; }).length +
      experience.filter(function (e) { return e.status === "met"; }).length;
    var essential = data.gaps.filter(function (g) { return g.essential; }).length + experience.length;
    $("gaps-caption").textContent = data.target.label + ": " + met + " of " + essential + " essential requirements met";
    var body = clear($("gaps").tBodies[0]);
    data.gaps.forEach(function (gap) {
      var offers = gap.status === "met" ? "" : (gap.offers.length
        ? gap.offers.slice(0, 5).map(function (o) { return labelOf(o, data); }).join(", ")
        : "nothing in the graph teaches it at that level");
      body.append(el("tr", null,
        el("td", { text: gap.label }),
        el("td", { class: "status-" + gap.status, text: gap.status }),
        el("td", { text: gap.held_level ? levelName(gap.held_level) : "—" }),
        el("td", { text: levelName(gap.required_level) }),
        el("td", { text: gap.essential ? "essential" : "recommended" }),
        el("td", { text: offers })));
    });
    (data.experience || []).forEach(function (need) {
      body.append(el("tr", { "data-kind": "experience" },
        el("td", { text: need.label }),
        el("td", { class: "status-" + need.status, text: need.status }),
        el("td", { text: need.months_held ? count(need.months_held, "month") : "—" }),
        el("td", { text: count(need.months_needed, "month") }),
        el("td", { text: "experience" }),
        el("td", { text: need.status === "met" ? "" : "work as " + labelOf(need.role, data) })));
    });
    section.hidden = false;
  }

  function renderClosest(response) {
    var section = $("closest-section");
    if (response.status !== 200) { section.hidden = true; return; }
    var data = response.data;
    var list = clear($("closest"));
    data.roles.forEach(function (role) {
      var cost = role.feasible && role.cost !== null ? number(role.cost) + " " + data.minimize : "no path";
      var button = el("button", { type: "button", class: "quiet", "data-iri": role.iri, text: "Plan " + role.label });
      button.addEventListener("click", function () {
        labels.set(role.iri, role.label);
        state.target = roleName(role.iri);
        changed();
        $("answer").focus();
      });
      list.append(el("li", null, button,
        el("span", { text: cost + "; " + role.met + " of " + role.total + " requirements met" })));
    });
    section.hidden = !data.roles.length;
  }

  function isRole(iri) {
    return roles.some(function (r) { return r.iri === iri; });
  }

  function roleName(iri) {
    var found = roles.filter(function (r) { return r.iri === iri; })[0];
    return found ? found.curie : iri;
  }

  // ------------------------------------------------------------------ profiles

  function loadProfile(file) {
    var status = $("profile-status");
    status.textContent = "Reading " + file.name + "…";
    file.arrayBuffer().then(function (data) {
      return fetch("/api/profile?" + new URLSearchParams({ filename: file.name }).toString(), {
        method: "POST", body: data, headers: { "Content-Type": "application/octet-stream" }
      });
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (response) {
      if (response.status !== 200) {
        status.textContent = "Could not load " + file.name + ": " + response.data.error;
        return;
      }
      var data = response.data;
      state.have = data.have.map(function (c) { labels.set(c.curie, c.label); return c.curie + "@" + c.level; });
      state.holds = data.holds.map(function (o) { labels.set(o.curie, o.label); return o.curie; });
      state.experience = (data.experience || []).map(function (e) {
        labels.set(e.curie, e.label); return e.curie + "@" + e.months;
      });
      status.textContent = "Loaded " + file.name + ": " + data.have.length + " competencies, " +
        data.holds.length + " held" + (state.experience.length ? ", " + state.experience.length + " experience" : "") + ".";
      changed();
    }).catch(function (exc) { status.textContent = "Could not load " + file.name + ": " + exc; });
  }

  // ------------------------------------------------------------------ start

  function radio(group, name, value, text) {
    var id = name + "-" + value;
    var input = el("input", { type: name === "delivery" ? "checkbox" : "radio", name: name, id: id, value: value });
    group.append(el("span", { class: "check" }, input, el("label", { for: id, text: text })));
    return input;
  }

  function build() {
    var level = $("competency-level");
    Object.keys(opts.levels).forEach(function (key) {
      level.append(el("option", { value: key, text: key + " · " + opts.levels[key] }));
    });
    level.value = "5";
    var measures = $("minimize-choices");
    opts.measures.forEach(function (measure) {
      radio(measures, "minimize", measure, measureText(measure)).addEventListener("change", function () {
        state.minimize = measure;
        changed();
      });
    });
    var delivery = $("delivery-choices");
    opts.delivery.forEach(function (mode) {
      radio(delivery, "delivery", mode.value, mode.label).addEventListener("change", function (event) {
        var at = state.delivery.indexOf(mode.value);
        if (event.target.checked && at < 0) { state.delivery.push(mode.value); }
        if (!event.target.checked && at >= 0) { state.delivery.splice(at, 1); }
        changed();
      });
    });
    var target = $("target");
    var experience = $("experience-role");
    roles.forEach(function (role) {
      labels.set(role.curie, role.label);
      labels.set(role.iri, role.label);
      target.append(el("option", { value: role.curie, text: role.label }));
      experience.append(el("option", { value: role.curie, text: role.label }));
    });
    $("experience-set").hidden = !opts.experience;
    $("version").textContent = opts.version;

    var competency = new Combo($("competency-input"));
    competency.add = function () {
      var name = competency.name();
      if (!name) { return; }
      addTo("have", name + "@" + level.value);
      competency.reset();
      level.value = "5";
      competency.input.focus();
    };
    $("add-competency").addEventListener("click", competency.add);
    var holds = new Combo($("holds-input"));
    holds.add = function () {
      var name = holds.name();
      if (!name) { return; }
      addTo("holds", name);
      holds.reset();
      holds.input.focus();
    };
    $("add-holds").addEventListener("click", holds.add);
    var exclude = new Combo($("exclude-input"));
    exclude.add = function () {
      var name = exclude.name();
      if (!name) { return; }
      addTo("exclude", name);
      exclude.reset();
      exclude.input.focus();
    };
    $("add-exclude").addEventListener("click", exclude.add);
    var include = new Combo($("include-input"));
    include.add = function () {
      var name = include.name();
      if (!name) { return; }
      addTo("include", name);
      include.reset();
      include.input.focus();
    };
    $("add-include").addEventListener("click", include.add);
    $("add-experience").addEventListener("click", function () {
      var months = $("experience-months").value.trim();
      if (!experience.value || !months) { return; }
      addTo("experience", experience.value + "@" + months);
      $("experience-months").value = "";
    });
    target.addEventListener("change", function () { state.target = target.value; changed(); });
    $("with-recommended").addEventListener("change", function (event) {
      state.with_recommended = event.target.checked;
      changed();
    });
    ["budget-hours", "budget-cost", "alternatives"].forEach(function (id) {
      $(id).addEventListener("change", function () { readNumbers(); changed(); });
    });
    $("question").addEventListener("submit", function (event) {
      event.preventDefault();
      readNumbers();
      changed();
    });
    $("load-profile").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (file) { loadProfile(file); }
      event.target.value = "";
    });
    window.addEventListener("popstate", function () {
      state = fromParams(new URLSearchParams(location.search));
      nameThenAnswer();
    });
  }

  // Labels for the names a URL brought (CURIEs and IRIs), then the answer.
  function nameThenAnswer() {
    var unknown = [];
    ["have", "holds", "experience", "exclude", "include"].forEach(function (list) {
      state[list].forEach(function (item) {
        var name = list === "have" || list === "experience" ? splitAt(item)[0] : item;
        if (!labels.has(name) && unknown.indexOf(name) < 0) { unknown.push(name); }
      });
    });
    var ready = Promise.resolve();
    if (unknown.length) {
      var params = new URLSearchParams();
      unknown.forEach(function (name) { params.append("name", name); });
      ready = getJSON("/api/names", params).then(function (response) {
        (response.data.names || []).forEach(function (found) {
          if (found.label) { labels.set(found.name, found.label); }
        });
      }).catch(function () {});
    }
    return ready.then(function () { renderForm(); return answer(); });
  }

  function start() {
    Promise.all([
      getJSON("/api/options", new URLSearchParams()),
      getJSON("/api/roles", new URLSearchParams())
    ]).then(function (answers) {
      opts = answers[0].data;
      roles = answers[1].data.roles || [];
      build();
      state = fromParams(new URLSearchParams(location.search));
      return nameThenAnswer();
    }).catch(function (exc) {
      showError("The page could not start: " + exc);
    }).then(function () {
      document.body.setAttribute("data-ready", "true");
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
