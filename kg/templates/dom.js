// DOM helpers shared by kg's pages (graph.js, map.js), put ahead of each page's own script in its
// one inline script element (kg/page.py app_script). Data reaches a page only as text: every helper
// sets textContent or properties of elements it makes, never markup.
const kgDom = (function () {
  "use strict";

  function el(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  }

  function clear(element) {
    while (element.firstChild) element.removeChild(element.firstChild);
  }

  function definitions(pairs) {
    const list = el("dl");
    for (const [term, value] of pairs) {
      if (value === undefined || value === null || value === "") continue;
      list.append(el("dt", null, term));
      const dd = el("dd");
      dd.append(value instanceof Node ? value : document.createTextNode(String(value)));
      list.append(dd);
    }
    return list;
  }

  function button(text, onClick, className) {
    const b = el("button", className || "link", text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  return Object.freeze({ el, clear, definitions, button });
})();
