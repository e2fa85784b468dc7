// The aivc query editor: YASGUI (vendored, see vendor/yasgui/VENDORED.md) pointed at this endpoint,
// with the stored questions of /queries as examples. A question with parameters shows a small form;
// its values are bound by the server (/queries/NAME.rq?param=value), never pasted into the text here.
(function () {
  "use strict";
  const endpoint = window.location.origin + "/sparql";
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    persistenceId: null,
    yasqe: { autocompleters: ["prefixes", "variables"] },
  });
  const list = document.getElementById("examples");
  const form = document.getElementById("parameters");

  function run(text) {
    const tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(text);
    tab.getYasqe().query();
  }

  function bound(question, values) {
    const params = new URLSearchParams();
    Object.entries(values).forEach(([k, v]) => { if (v !== "") params.append(k, v); });
    return fetch("/queries/" + encodeURIComponent(question.name) + ".rq?" + params.toString())
      .then((r) => r.text().then((t) => { if (!r.ok) throw new Error(t); return t; }));
  }

  function ask(question) {
    form.replaceChildren();
    if (!question.parameters.length) {
      form.hidden = true;
      bound(question, {}).then(run, (e) => { list.title = e.message; });
      return;
    }
    const inputs = {};
    question.parameters.forEach((p) => {
      const label = document.createElement("label");
      label.textContent = p.name + (p.required ? "" : " (optional)") + (p.allowed.length ? ": one of " + p.allowed.join(", ") : "");
      const input = document.createElement("input");
      input.name = p.name;
      input.value = p.default || "";
      label.appendChild(input);
      form.appendChild(label);
      inputs[p.name] = input;
    });
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = "Run " + question.name;
    const error = document.createElement("p");
    error.className = "error";
    form.append(submit, error);
    form.onsubmit = (event) => {
      event.preventDefault();
      const values = {};
      Object.entries(inputs).forEach(([k, input]) => { values[k] = input.value; });
      bound(question, values).then((text) => { error.textContent = ""; run(text); },
                                   (e) => { error.textContent = e.message; });
    };
    form.hidden = false;
    form.requestSubmit();
  }

  fetch("/queries").then((r) => r.json()).then((questions) => {
    list.replaceChildren();
    questions.forEach((q) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.query = q.name;
      button.title = q.description;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = q.name;
      const summary = document.createElement("span");
      summary.className = "summary";
      summary.textContent = q.summary;
      button.append(name, summary);
      button.addEventListener("click", () => {
        list.querySelectorAll("button.selected").forEach((b) => b.classList.remove("selected"));
        button.classList.add("selected");
        ask(q);
      });
      item.appendChild(button);
      list.appendChild(item);
    });
  }, (e) => { list.textContent = "could not load the stored questions: " + e.message; });
})();
