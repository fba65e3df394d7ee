/* global document */
// Runs in the browser: marks the page, so a test can see the script ran.
document.documentElement.dataset.script = "loaded";
