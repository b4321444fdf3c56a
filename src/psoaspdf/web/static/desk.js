// The desk works without this file. With it: the preview follows the form as it changes, and
// "Print" prints the PDF from this page instead of opening a new tab.
"use strict";
(() => {
  const form = document.getElementById("desk-form");
  const preview = document.getElementById("preview");
  if (!form || !preview || !window.fetch) return;

  const body = (action) => {
    const data = new URLSearchParams(new FormData(form));
    data.set("action", action);
    return data;
  };

  let timer = null;
  let asked = 0;
  const refresh = async () => {
    const mine = ++asked;
    preview.setAttribute("aria-busy", "true");
    try {
      const answer = await fetch("/preview", { method: "POST", body: body("preview"), credentials: "same-origin" });
      const html = await answer.text();
      if (mine === asked) preview.innerHTML = html; // an older answer never replaces a newer one
    } catch (e) {
      // the buttons still work: the page is not stuck
    } finally {
      if (mine === asked) preview.removeAttribute("aria-busy");
    }
  };
  const later = (event) => {
    if (event.target && event.target.name === "q") return; // typing a search is not a change to print
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  };
  form.addEventListener("change", later);
  form.addEventListener("input", (event) => {
    if (event.target.matches("textarea, input[type=text]")) later(event);
  });

  const previewButton = document.getElementById("preview-button");
  if (previewButton) {
    previewButton.addEventListener("click", (event) => {
      event.preventDefault();
      clearTimeout(timer);
      refresh();
    });
  }

  const printButton = document.getElementById("print");
  if (printButton) {
    printButton.addEventListener("click", async (event) => {
      event.preventDefault();
      const answer = await fetch("/", { method: "POST", body: body("print"), credentials: "same-origin" });
      if (!answer.ok || !(answer.headers.get("content-type") || "").startsWith("application/pdf")) {
        form.requestSubmit(printButton); // the page shows what is wrong
        return;
      }
      const url = URL.createObjectURL(await answer.blob());
      let frame = document.getElementById("print-frame");
      if (frame) frame.remove();
      frame = document.createElement("iframe");
      frame.id = "print-frame";
      frame.title = printButton.textContent.trim();
      frame.hidden = true;
      frame.src = url;
      frame.addEventListener("load", () => {
        try {
          frame.contentWindow.focus();
          frame.contentWindow.print();
        } catch (e) {
          window.open(url, "_blank", "noopener");
        }
      });
      document.body.appendChild(frame);
    });
  }
})();

// after a form with mistakes comes back, start at the list of them
(() => {
  const problems = document.getElementById("problems");
  if (problems) problems.focus();
})();
