// Marks the page as having JavaScript, before it is drawn, as GOV.UK Frontend expects. A file
// rather than inline, so that pages can be cached whole (an inline script needs a fresh nonce).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
