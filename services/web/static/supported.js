// GOV.UK Frontend styles its JavaScript-enhanced components only when the page says the
// browser can run them. Loaded as a file, because the pages allow no inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
