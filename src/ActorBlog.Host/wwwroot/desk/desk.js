// The desk's one script: a live preview and image upload by drop or by the upload form.
// Everything here has a plain-HTML fallback (the Preview button, the upload form), so the desk
// works without it. Loaded from our origin only (script-src 'self'); no inline handlers.
"use strict";

(() => {
  const token = () => document.querySelector('input[name="__RequestVerificationToken"]')?.value ?? "";
  const markdown = document.getElementById("markdown");
  const preview = document.getElementById("preview");
  const uploadForm = document.getElementById("upload");
  const status = document.getElementById("upload-status");

  // The server renders with the same renderer and sanitizer as the reader pages.
  async function refreshPreview() {
    if (!markdown || !preview) return;
    const body = new URLSearchParams({ markdown: markdown.value });
    const response = await fetch(markdown.dataset.preview, {
      method: "POST", body, credentials: "same-origin", headers: { "X-CSRF-TOKEN": token() },
    });
    if (response.ok) preview.innerHTML = await response.text();
  }

  let timer;
  if (markdown && preview) {
    markdown.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refreshPreview, 400);
    });
    if (markdown.value.trim() !== "" && preview.querySelector(".empty")) refreshPreview();
  }

  function insertAtCursor(text) {
    if (!markdown) return;
    const start = markdown.selectionStart ?? markdown.value.length;
    const end = markdown.selectionEnd ?? start;
    const before = markdown.value.slice(0, start);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const insert = lead + text + "\n";
    markdown.setRangeText(insert, start, end, "end");
    markdown.focus();
    markdown.dispatchEvent(new Event("input"));
  }

  async function upload(file) {
    if (status) status.textContent = `Uploading ${file.name}…`;
    const data = new FormData();
    data.append("file", file, file.name);
    const response = await fetch(markdown?.dataset.upload ?? "/desk/media", {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRF-TOKEN": token(), Accept: "application/json" },
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      if (status) status.textContent = `Not uploaded: ${answer.detail ?? response.statusText}`;
      return;
    }
    if (markdown) {
      insertAtCursor(answer.markdown);
      if (status) status.textContent = `Uploaded ${file.name} and inserted it into the text.`;
    } else {
      window.location.assign(`/desk/media?uploaded=${answer.id}`);
    }
  }

  if (uploadForm && markdown) {
    uploadForm.addEventListener("submit", (event) => {
      const file = uploadForm.querySelector('input[type="file"]').files[0];
      if (!file) return;
      event.preventDefault();
      upload(file).then(() => uploadForm.reset());
    });
  }

  if (markdown) {
    markdown.addEventListener("dragover", (event) => {
      if (![...event.dataTransfer.types].includes("Files")) return;
      event.preventDefault();
      markdown.classList.add("dropping");
    });
    markdown.addEventListener("dragleave", () => markdown.classList.remove("dropping"));
    markdown.addEventListener("drop", (event) => {
      markdown.classList.remove("dropping");
      const files = [...event.dataTransfer.files].filter((f) => f.type.startsWith("image/"));
      if (files.length === 0) return;
      event.preventDefault();
      files.reduce((chain, file) => chain.then(() => upload(file)), Promise.resolve());
    });
  }

  // Insert buttons exist for every listed image; they are hidden until this script can use them.
  for (const button of document.querySelectorAll("button.insert")) {
    if (!markdown) continue;
    button.hidden = false;
    button.addEventListener("click", () => insertAtCursor(button.dataset.insert));
  }
})();
