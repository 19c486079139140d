// The desk's theme: what the person chose last on this browser, else the system's preference.
(function () {
  var saved = null;
  try { saved = localStorage.getItem("desk-theme"); } catch (e) { /* private mode */ }
  var dark = saved ? saved === "dark" : !(window.matchMedia && matchMedia("(prefers-color-scheme: light)").matches);
  document.documentElement.dataset.theme = dark ? "dark" : "light";
})();
