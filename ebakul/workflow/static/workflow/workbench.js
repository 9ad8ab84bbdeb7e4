// The review workbench (docs/adr/0141): zoom, rotate and full-screen of the receipt, and the
// keyboard shortcuts shown on the buttons. No inline script (CSP, docs/adr/0093).
(function () {
  "use strict";

  function init() {
    var root = document.getElementById("workbench");
    if (!root) return;
    // The large document: a receipt or evidence photo, or a merchant's registration sheet.
    var img = document.getElementById("wb-receipt") || document.getElementById("wb-doc");
    var frame = document.getElementById("wb-frame");
    var scale = 1;
    var angle = 0;

    function draw() {
      if (img) img.style.transform = "scale(" + scale + ") rotate(" + angle + "deg)";
    }
    var tools = {
      "zoom-in": function () { scale = Math.min(scale * 1.25, 6); draw(); },
      "zoom-out": function () { scale = Math.max(scale / 1.25, 0.5); draw(); },
      rotate: function () { angle = (angle + 90) % 360; draw(); },
      full: function () {
        if (!frame) return;
        if (document.fullscreenElement) document.exitFullscreen();
        else if (frame.requestFullscreen) frame.requestFullscreen();
      },
    };
    root.querySelectorAll("[data-tool]").forEach(function (b) {
      b.addEventListener("click", function () { tools[b.dataset.tool](); });
    });

    function openReason(form) {
      var box = form.querySelector(".wb-reason");
      box.hidden = false;
      var first = box.querySelector("select, textarea, input:not([type=hidden])");
      if (first) first.focus();
    }
    root.querySelectorAll(".wb-needs-reason .wb-open").forEach(function (b) {
      b.addEventListener("click", function () { openReason(b.closest("form")); });
    });

    function byKey(key) {
      return root.querySelector('[data-key="' + key + '"]');
    }
    function trigger(el) {
      if (el.tagName === "A") { window.location.href = el.href; return; }
      if (el.classList.contains("wb-needs-reason")) { openReason(el); return; }
      if (el.tagName === "FORM") { el.submit(); return; }
      el.click();
    }

    // Capture on window and stop the event when it is ours: the desk's own shortcuts (the
    // navigation search) must not take the focus away afterwards.
    window.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      var t = e.target;
      var typing = t && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type !== "hidden"));
      var inSelect = t && t.tagName === "SELECT";
      if (e.key === "Escape") {
        root.querySelectorAll(".wb-reason").forEach(function (b) { b.hidden = true; });
        // The focus must not stay in a closed form, or the next shortcut would be typed into it.
        if (t && t.closest && t.closest(".wb-reason")) t.blur();
        return;
      }
      var ours = function () { e.preventDefault(); e.stopImmediatePropagation(); };
      if (inSelect) {
        // Digits choose a reason, Enter confirms.
        if (/^[1-9]$/.test(e.key) && t.options.length > Number(e.key)) {
          t.selectedIndex = Number(e.key);
          ours();
        } else if (e.key === "Enter") {
          ours();
          t.closest("form").submit();
        }
        return;
      }
      if (typing) {
        // In a decision's note, Enter confirms and Shift+Enter starts a new line.
        if (e.key === "Enter" && !e.shiftKey && t.tagName === "TEXTAREA" && t.closest(".wb-reason")) {
          ours();
          t.closest("form").submit();
        }
        return;
      }
      var k = e.key.toUpperCase();
      if (k === "+" || k === "=") { ours(); tools["zoom-in"](); return; }
      if (k === "-") { ours(); tools["zoom-out"](); return; }
      if (k === "R") { ours(); tools.rotate(); return; }
      if (k === "F") { ours(); tools.full(); return; }
      if (k === "J") k = "N";
      var el = byKey(k);
      if (el) { ours(); trigger(el); }
    }, true);

    var undo = document.getElementById("wb-undo");
    if (undo) {
      window.setTimeout(function () { undo.hidden = true; }, Number(undo.dataset.seconds) * 1000);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
