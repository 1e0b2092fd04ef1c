// symderiv's learner page: plain JavaScript, no framework.
// Results come from the HTTP API as the library's to_dict() objects; every expression is
// typeset with KaTeX from its "latex" field. The page state lives in the URL (permalink).
"use strict";

(function () {
  const TEXTS = JSON.parse(document.getElementById("texts").textContent);
  const TABS = ["derivative", "gradient", "hessian", "taylor", "backprop", "grade"];
  const FIGURES = { derivative: 1, gradient: 1, hessian: 1, taylor: 1, backprop: 1 };
  const $ = (id) => document.getElementById(id);

  let lang = TEXTS[document.documentElement.lang] ? document.documentElement.lang : "en";
  let tab = "derivative";
  let caps = { plot: false, token_required: false };
  let rerender = null; // re-draws the last result in the current language
  let previewSeq = 0;
  let runSeq = 0;

  // -- texts ------------------------------------------------------------------------------

  function t(key, values) {
    let text = (TEXTS[lang] || TEXTS.en)[key];
    if (text === undefined) text = key;
    for (const name in values || {}) text = text.split("{" + name + "}").join(values[name]);
    return text;
  }

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = t("title");
    document.querySelectorAll("[data-i18n]").forEach((node) => {
      node.textContent = t(node.dataset.i18n);
    });
    document.querySelectorAll("[data-i18n-aria]").forEach((node) => {
      node.setAttribute("aria-label", t(node.dataset.i18nAria));
    });
    document.querySelectorAll("[data-i18n-alt]").forEach((node) => {
      node.setAttribute("alt", t(node.dataset.i18nAlt));
    });
    $("lang").value = lang;
  }

  // -- building the DOM -------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const name in attrs || {}) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, attrs[name]);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Typeset TeX; the TeX itself is never shown (a KaTeX failure shows a marked box).
  function math(tex, display) {
    const node = el(display ? "div" : "span", { class: display ? "math display" : "math" });
    try {
      window.katex.render(tex, node, {
        displayMode: !!display,
        throwOnError: true,
        trust: false,
        strict: "ignore",
        maxSize: 40,
        maxExpand: 500,
      });
    } catch (error) {
      node.textContent = "⚠";
      node.classList.add("math-error");
    }
    return node;
  }

  function matrixTex(rows) {
    return (
      "\\begin{pmatrix}" +
      rows.map((row) => row.map((cell) => cell.latex).join(" & ")).join(" \\\\ ") +
      "\\end{pmatrix}"
    );
  }

  function pointTex(point) {
    return Object.keys(point)
      .map((name) => texName(name) + " = " + point[name].latex)
      .join(",\\ ");
  }

  // A variable's name as TeX: x, v1 -> v_{1}, w_12 -> w_{12}, loss -> \mathrm{loss}.
  function texName(name) {
    const indexed = /^([A-Za-z])_?\{?([0-9A-Za-z]+)\}?$/.exec(name);
    if (indexed && (name.includes("_") || /^[0-9]+$/.test(indexed[2]))) {
      return indexed[1] + "_{" + indexed[2] + "}";
    }
    return /^[A-Za-z]$/.test(name) ? name : "\\mathrm{" + name.replace(/[^A-Za-z0-9]/g, "") + "}";
  }

  // The numeric check's outcome; its details in the page's language where we know them.
  function badge(verification, orders) {
    const v = verification || {};
    const ok = verification ? v.ok : null;
    const kind = ok === true ? "ok" : ok === false ? "fail" : "unknown";
    const label = ok === true ? t("verified") : ok === false ? t("not_verified") : t("unchecked");
    const mark = ok === true ? "✓ " : ok === false ? "✗ " : "? ";
    let detail = "";
    if (orders && typeof orders.empirical === "number") {
      detail = t("check_order", { o: orders.empirical.toFixed(2), x: orders.expected });
    } else if (ok !== null && Array.isArray(v.points) && typeof v.max_rel_error === "number") {
      detail = t("check_points", { n: v.points.length, e: v.max_rel_error.toExponential(1) });
    } else if (lang === "en" && v.reason) {
      detail = v.reason;
    }
    return el("p", { class: "badge " + kind, title: v.reason || "", "data-verified": kind }, mark + label,
      detail ? el("span", { class: "reason" }, " — " + detail) : null);
  }

  function heading(text, level) {
    return el("h" + (level || 2), {}, text);
  }

  // -- results ----------------------------------------------------------------------------

  function derivationSteps(d) {
    const list = el("ol", { class: "steps" });
    let stage = 0;
    d.steps.forEach((step) => {
      if (step.stage !== stage) {
        stage = step.stage;
        if (d.order > 1) list.append(el("li", { class: "stage" }, t("stage", { n: stage })));
        list.append(el("li", { class: "step first" }, math(step.before.latex, false)));
      }
      const rule = el("span", { class: "rule" }, step.rule_name[lang] || step.rule);
      if (step.substitution) {
        rule.append(" (", math(step.substitution.symbol + " = " + step.substitution.expression.latex), ")");
      }
      list.append(el("li", { class: "step", "data-rule": step.rule }, el("span", { class: "eq" }, math("= " + step.after.latex)), rule));
    });
    return list;
  }

  function derivativeLabel(d) {
    const v = texName(d.variable);
    if (d.held_constant && d.held_constant.length) {
      return d.order > 1 ? "\\frac{\\partial^{" + d.order + "} f}{\\partial " + v + "^{" + d.order + "}}" : "\\frac{\\partial f}{\\partial " + v + "}";
    }
    return d.order > 1 ? "f^{(" + d.order + ")}(" + v + ")" : "f'(" + v + ")";
  }

  function renderDerivation(d, box) {
    box.append(math("f(" + texName(d.variable) + ") = " + d.input.latex, true));
    box.append(heading(t("steps"), 3), derivationSteps(d));
    box.append(heading(t("result"), 3), math(derivativeLabel(d) + " = " + d.result.latex, true));
    box.append(badge(d.verification));
  }

  function renderGradient(g, box) {
    box.append(math("f = " + g.input.latex, true));
    g.partials.forEach((partial) => {
      const part = el("details", { class: "partial", open: "" });
      part.append(el("summary", {}, t("partial", { var: partial.variable }), " ",
        math("\\frac{\\partial f}{\\partial " + texName(partial.variable) + "} = " + partial.result.latex)));
      part.append(derivationSteps(partial), badge(partial.verification));
      box.append(part);
    });
    box.append(heading(t("gradient"), 3));
    box.append(math("\\nabla f = " + matrixTex(g.vector.map((c) => [c])), true));
    if (g.value_at) {
      box.append(el("p", {}, t("value_at") + ": "), math("\\nabla f = " + matrixTex(g.value_at.map((c) => [c])), true));
    }
    box.append(badge(g.verification));
  }

  function renderClassification(c, box) {
    const kind = c.kind_name ? c.kind_name[lang] : t("kind_" + c.kind);
    box.append(heading(t("classification"), 3));
    box.append(el("p", { class: "kind kind-" + c.kind }, math(pointTex(c.point)), " → ", el("strong", {}, kind)));
    box.append(math("H = " + matrixTex(c.matrix), true));
    if (c.eigenvalues && c.eigenvalues.length) {
      box.append(el("p", {}, t("eigenvalues") + ": "), math(c.eigenvalues.map((e) => e.latex).join(",\\ ")));
    }
    if (c.minors && c.minors.length) {
      box.append(el("p", {}, t("minors") + ": "), math(c.minors.map((m, i) => "D_{" + (i + 1) + "} = " + m.latex).join(",\\ ")));
    }
    const reasons = (c.reason && c.reason[lang]) || [];
    if (reasons.length) box.append(el("ul", { class: "reasons" }, ...reasons.map((r) => el("li", {}, r))));
  }

  function renderHessian(h, critical, box) {
    box.append(math("f = " + h.input.latex, true));
    box.append(heading(t("hessian"), 3), math("H = " + matrixTex(h.matrix), true));
    if (h.mixed && h.mixed.length && h.mixed.every((m) => m.agree)) box.append(el("p", { class: "note" }, "✓ " + t("mixed_agree")));
    const seconds = el("details", { class: "partial" }, el("summary", {}, t("steps")));
    h.second.forEach((row) => row.forEach((d) => {
      if (!d) return;
      seconds.append(el("p", {}, math(d.input.latex), " → ", math(derivativeLabel(d) + " = " + d.result.latex)), derivationSteps(d));
    }));
    box.append(seconds, badge(h.verification));
    if (h.classification) renderClassification(h.classification, box);
    if (!critical) return;
    box.append(heading(t("critical"), 3));
    if (!critical.points.length) box.append(el("p", {}, t("critical_none")));
    const list = el("ul", { class: "critical" });
    critical.points.forEach((p) => {
      const kind = p.classification && p.classification.kind_name ? p.classification.kind_name[lang] : t("kind_" + p.kind);
      const item = el("li", { class: "kind-" + p.kind }, math("(" + Object.values(p.point).map((v) => v.latex).join(", ") + ")"), " — ", el("strong", {}, kind));
      const reasons = p.classification && p.classification.reason ? p.classification.reason[lang] || [] : [];
      if (reasons.length) item.append(el("ul", { class: "reasons" }, ...reasons.map((r) => el("li", {}, r))));
      list.append(item);
    });
    box.append(list);
    const notes = critical.notes && critical.notes[lang] ? critical.notes[lang] : [];
    notes.forEach((n) => box.append(el("p", { class: "note" }, n)));
    if (!critical.complete) box.append(el("p", { class: "note" }, t("critical_incomplete")));
  }

  function renderTaylor(tay, box) {
    const vars = tay.variables;
    const centre = pointTex(tay.point);
    box.append(math("f = " + tay.input.latex + ",\\quad " + centre, true));
    if (tay.derivative_table && tay.derivative_table.length && vars.length === 1) {
      const v = texName(vars[0]);
      box.append(heading(t("derivative_table"), 3));
      const table = el("table", { class: "table" });
      table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col" }, math("k")),
        el("th", { scope: "col" }, math("f^{(k)}(" + v + ")")), el("th", { scope: "col" }, math("f^{(k)}(a)")),
        el("th", { scope: "col" }, math("c_k = f^{(k)}(a)/k!")))));
      const body = el("tbody");
      tay.derivative_table.forEach((row) => {
        const cell = (value) => el("td", {}, value ? math(value.latex) : "—");
        body.append(el("tr", {}, el("td", {}, String(row.k)), cell(row.derivative), cell(row.value),
          cell(row.coefficient)));
      });
      table.append(body);
      box.append(el("div", { class: "scroll" }, table));
    }
    box.append(heading(t("taylor"), 3), math("T_{" + tay.order + "} = " + tay.polynomial.latex, true));
    if (tay.quadratic_model) {
      const q = tay.quadratic_model;
      box.append(heading(t("quadratic_model"), 3),
        math("\\nabla f(p) = " + matrixTex(q.gradient.map((c) => [c])) + ",\\quad H(p) = " + matrixTex(q.hessian), true));
    }
    box.append(badge(tay.verification, { empirical: tay.empirical_order, expected: tay.expected_order }));
    if (tay.derivation) {
      box.append(el("details", { class: "partial" }, el("summary", {}, t("steps")), derivationSteps(tay.derivation)));
    }
  }

  function renderBackprop(b, box) {
    box.append(math(b.output + " = " + b.input.latex, true));
    box.append(heading(t("graph"), 3));
    const table = el("table", { class: "table" });
    table.append(el("thead", {}, el("tr", {}, el("th", { scope: "col" }, t("node")), el("th", { scope: "col" }, t("formula")))));
    const body = el("tbody");
    b.nodes.forEach((n) => body.append(el("tr", {}, el("td", {}, math(texName(n.name))), el("td", {}, math(n.formula.latex)))));
    table.append(body);
    box.append(el("div", { class: "scroll" }, table));
    box.append(heading(t("local_derivatives"), 3));
    const edges = el("ul", { class: "steps" });
    b.edges.forEach((e) => edges.append(el("li", { class: "step", "data-rule": e.rule },
      el("span", { class: "eq" }, math("\\frac{\\partial " + texName(e.parent) + "}{\\partial " + texName(e.child) + "} = " + e.local.latex)),
      el("span", { class: "rule" }, e.rule_name[lang] || e.rule))));
    box.append(edges);
    box.append(heading(t("backward"), 3));
    const steps = el("ol", { class: "steps" });
    b.steps.forEach((s) => {
      const d = "\\frac{\\partial " + texName(b.output) + "}{\\partial " + texName(s.node) + "}";
      let tex = d + " = " + s.total.latex;
      if (s.contributions.length) {
        const sum = s.contributions.map((c) => "\\frac{\\partial " + texName(b.output) + "}{\\partial " + texName(c.parent) + "}\\cdot\\frac{\\partial " + texName(c.parent) + "}{\\partial " + texName(s.node) + "}").join(" + ");
        tex = d + " = " + sum + " = " + s.contributions.map((c) => "(" + c.adjoint.latex + ")(" + c.local_named.latex + ")").join(" + ") + " = " + s.simplified.latex;
      }
      steps.append(el("li", { class: "step" }, math(tex)));
    });
    box.append(steps);
    box.append(heading(t("gradient"), 3));
    Object.keys(b.gradient).forEach((name) => {
      box.append(math("\\frac{\\partial " + texName(b.output) + "}{\\partial " + texName(name) + "} = " + b.gradient[name].latex, true));
    });
    box.append(badge(b.verification));
  }

  function renderVerdict(v, box) {
    const status = v.status || "invalid";
    box.append(el("p", { class: "verdict verdict-" + status, "data-status": status },
      (status === "correct" ? "✓ " : "✗ ") + t("verdict_" + status)));
    box.append(el("p", {}, t("score") + ": " + Math.round((v.score || 0) * 100) + "%"));
    if (v.parsed) box.append(el("p", {}, t("your_answer") + ": "), math(v.parsed, true));
    if (v.feedback && v.feedback.length) box.append(el("ul", { class: "feedback" }, ...v.feedback.map((f) => el("li", {}, f))));
    if (v.diagnosis && v.diagnosis.length) {
      box.append(el("p", { class: "diagnosis" }, t("diagnosis") + ": ", ...v.diagnosis.map((d) => el("code", {}, d))));
    }
    if (v.expected) box.append(el("p", {}, t("expected") + ": "), math(v.expected, true));
    else if (status !== "correct") box.append(el("p", { class: "note" }, t("expected_hidden")));
  }

  // -- talking to the API -----------------------------------------------------------------

  async function post(path, body) {
    const headers = { "Content-Type": "application/json" };
    const token = $("token").value || sessionStorage.getItem("symderiv-token") || "";
    if (token) headers.Authorization = "Bearer " + token;
    const response = await fetch("/api/" + path, { method: "POST", headers, body: JSON.stringify(body) });
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = { error: response.statusText };
    }
    if (!response.ok) throw Object.assign(new Error(data.error || response.statusText), { status: response.status, body: data });
    return data;
  }

  function list(text) {
    return text.split(",").map((s) => s.trim()).filter(Boolean);
  }

  function point(text) {
    const out = {};
    text.split(/[,;]/).forEach((part) => {
      const [name, value] = part.split("=").map((s) => (s || "").trim());
      if (name && value) out[name] = value;
    });
    return Object.keys(out).length ? out : null;
  }

  function definitions(text) {
    const out = {};
    text.split(";").forEach((part) => {
      const at = part.indexOf("=");
      if (at > 0) out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
    });
    return Object.keys(out).length ? out : null;
  }

  function compact(object) {
    const out = {};
    for (const key in object) {
      const value = object[key];
      if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) continue;
      out[key] = value;
    }
    return out;
  }

  function state() {
    return {
      tab,
      f: $("expr").value.trim(),
      var: $("var").value.trim(),
      order: $("order").value,
      detail: $("detail").value,
      vars: $("vars").value.trim(),
      at: $("at").value.trim(),
      a: $("centre").value.trim(),
      n: $("degree").value,
      wrt: $("wrt").value.trim(),
      defs: $("defs").value.trim(),
      kind: $("kind").value,
      answer: $("answer").value.trim(),
      p: $("tangent").value.trim(),
      lang,
    };
  }

  const FIELDS = { f: "expr", var: "var", order: "order", detail: "detail", vars: "vars", at: "at", a: "centre", n: "degree", wrt: "wrt", defs: "defs", kind: "kind", answer: "answer", p: "tangent" };

  function permalink() {
    const s = state();
    const params = new URLSearchParams();
    const defaults = { order: "1", detail: "normal", a: "0", n: "3", kind: "derivative", tab: "derivative", lang: "en" };
    for (const key in s) if (s[key] && s[key] !== defaults[key]) params.set(key, s[key]);
    return location.pathname + (params.toString() ? "?" + params.toString() : "");
  }

  async function compute(s) {
    const common = { lang: s.lang };
    const detail = s.detail || "normal";
    if (s.tab === "derivative") {
      const d = await post("derive", compact({ ...common, expr: s.f, var: s.var, order: Number(s.order) || 1, detail }));
      return (box) => renderDerivation(d, box);
    }
    if (s.tab === "gradient") {
      const g = await post("gradient", compact({ ...common, expr: s.f, vars: list(s.vars), at: point(s.at), detail }));
      return (box) => renderGradient(g, box);
    }
    if (s.tab === "hessian") {
      const [h, c] = await Promise.all([
        post("hessian", compact({ ...common, expr: s.f, vars: list(s.vars), at: point(s.at), detail })),
        post("critical_points", compact({ ...common, expr: s.f, vars: list(s.vars) })).catch(() => null),
      ]);
      return (box) => renderHessian(h, c, box);
    }
    if (s.tab === "taylor") {
      const tay = await post("taylor", compact({ ...common, expr: s.f, var: s.var, at: s.a || "0", order: Number(s.n), detail }));
      return (box) => renderTaylor(tay, box);
    }
    if (s.tab === "backprop") {
      const b = await post("backprop", compact({ ...common, expr: s.f, wrt: list(s.wrt), at: point(s.at), defs: definitions(s.defs) }));
      return (box) => renderBackprop(b, box);
    }
    const problem = s.kind === "gradient"
      ? compact({ kind: "gradient", function: s.f, vars: list(s.vars) })
      : compact({ kind: "derivative", function: s.f, var: s.var, order: Number(s.order) || 1 });
    const v = await post("grade", { ...common, problem, answer: s.answer, reveal_expected: $("reveal").checked });
    return (box) => renderVerdict(v, box);
  }

  function showFigure(s) {
    const figure = $("figure");
    const img = $("figure-img");
    figure.hidden = true;
    if (!caps.plot || !FIGURES[s.tab]) return;
    const params = new URLSearchParams(compact({ kind: s.tab, expr: s.f, lang: s.lang, var: s.var, vars: s.tab === "backprop" ? s.wrt : s.vars, order: s.tab === "taylor" ? s.n : s.order, at: s.tab === "taylor" ? s.a : "", point: s.tab === "derivative" ? s.p : "" }));
    img.onload = () => { figure.hidden = false; };
    img.onerror = () => { figure.hidden = true; };
    img.src = "/api/plot?" + params.toString();
  }

  async function run() {
    const s = state();
    if (!s.f) {
      $("expr").focus();
      return;
    }
    const seq = ++runSeq;
    history.replaceState(null, "", permalink());
    const result = $("result");
    const output = $("output");
    result.setAttribute("aria-busy", "true");
    $("status").textContent = t("working");
    $("status").className = "status";
    try {
      const draw = await compute(s);
      if (seq !== runSeq) return;
      rerender = () => {
        output.replaceChildren();
        const box = el("div", { class: "card", "data-tab": s.tab });
        draw(box);
        output.append(box);
      };
      rerender();
      $("status").textContent = "";
      showFigure(s);
    } catch (error) {
      if (seq !== runSeq) return;
      rerender = null;
      output.replaceChildren();
      $("figure").hidden = true;
      const body = error.body || {};
      let text = error.message || String(error);
      if (body.column) text += " — " + t("error_column") + " " + body.column;
      $("status").textContent = text;
      $("status").className = "status error";
      if (error.status === 401) {
        caps.token_required = true;
        $("token-field").hidden = false;
      }
    } finally {
      if (seq === runSeq) result.setAttribute("aria-busy", "false");
    }
  }

  // -- live preview -----------------------------------------------------------------------

  let previewTimer = 0;

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 200);
  }

  async function preview() {
    const text = $("expr").value;
    const seq = ++previewSeq;
    const target = $("preview-math");
    const error = $("expr-error");
    if (!text.trim()) {
      target.replaceChildren(el("span", { class: "muted", "data-i18n": "preview_empty" }, t("preview_empty")));
      error.textContent = "";
      $("expr").removeAttribute("aria-invalid");
      return;
    }
    try {
      const parsed = await post("parse", { text, lang });
      if (seq !== previewSeq) return;
      target.replaceChildren(math(parsed.latex, true));
      error.textContent = "";
      $("expr").removeAttribute("aria-invalid");
    } catch (failure) {
      if (seq !== previewSeq) return;
      const body = failure.body || {};
      if (target.querySelector(".muted")) target.replaceChildren();
      error.replaceChildren(failure.message);
      if (body.column) {
        const col = body.column - 1;
        error.append(el("code", { class: "caret", "aria-hidden": "true" }, text.slice(0, 60) + "\n" + " ".repeat(Math.min(col, 60)) + "^"));
      }
      $("expr").setAttribute("aria-invalid", "true");
    }
  }

  // -- tabs -------------------------------------------------------------------------------

  function selectTab(name, focus) {
    tab = TABS.includes(name) ? name : "derivative";
    document.querySelectorAll("[role=tab]").forEach((button) => {
      const on = button.dataset.tab === tab;
      button.setAttribute("aria-selected", on ? "true" : "false");
      button.tabIndex = on ? 0 : -1;
      if (on && focus) button.focus();
    });
    $("panel").setAttribute("aria-labelledby", "tab-" + tab);
    // grading a gradient asks for the variables, grading a derivative for variable and order
    const gradeHides = $("kind").value === "gradient" ? ["var", "order"] : ["vars"];
    document.querySelectorAll("[data-tabs]").forEach((field) => {
      const shown = field.dataset.tabs.split(" ").includes(tab);
      const input = field.querySelector("input, select");
      const hiddenHere = tab === "grade" && input && gradeHides.includes(input.id);
      field.hidden = !shown || hiddenHere || (field.id === "token-field" && !caps.token_required);
    });
    $("go").dataset.i18n = tab === "grade" ? "grade" : "compute";
    $("go").textContent = t($("go").dataset.i18n);
  }

  function onTabKey(event) {
    const index = TABS.indexOf(tab);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(TABS[(moves[event.key] + TABS.length) % TABS.length], true);
  }

  // -- start ------------------------------------------------------------------------------

  function restore() {
    const params = new URLSearchParams(location.search);
    for (const key in FIELDS) if (params.has(key)) $(FIELDS[key]).value = params.get(key);
    if (params.has("lang") && TEXTS[params.get("lang")]) lang = params.get("lang");
    selectTab(params.get("tab") || "derivative", false);
    return params.has("f");
  }

  async function start() {
    try {
      caps = await (await fetch("/api/capabilities")).json();
    } catch (error) {
      caps = { plot: false, token_required: false };
    }
    const saved = sessionStorage.getItem("symderiv-token");
    if (saved) $("token").value = saved;
    const fromLink = restore();
    applyLanguage();
    selectTab(tab, false);
    $("form").addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });
    $("expr").addEventListener("input", schedulePreview);
    $("tabs").addEventListener("keydown", onTabKey);
    $("kind").addEventListener("change", () => selectTab(tab, false));
    document.querySelectorAll("[role=tab]").forEach((button) => {
      button.addEventListener("click", () => selectTab(button.dataset.tab, false));
    });
    $("token").addEventListener("change", () => sessionStorage.setItem("symderiv-token", $("token").value));
    $("lang").addEventListener("change", () => {
      lang = $("lang").value;
      applyLanguage();
      selectTab(tab, false);
      history.replaceState(null, "", permalink());
      if (tab === "grade" && $("output").childElementCount) run();
      else if (rerender) rerender();
      if ($("expr").value.trim()) schedulePreview();
    });
    $("permalink").addEventListener("click", async () => {
      const url = location.origin + permalink();
      history.replaceState(null, "", permalink());
      try {
        await navigator.clipboard.writeText(url);
      } catch (error) {
        // clipboard not permitted: the address bar has the link
      }
      $("status").textContent = t("copied");
      $("status").className = "status";
    });
    document.body.dataset.ready = "true";
    if ($("expr").value.trim()) preview();
    if (fromLink) run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
