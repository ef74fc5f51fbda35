// A page's periodic refresh answered by the login page (the session expired or the server restarted) would swap
// in an empty selection, and the tables would vanish without a word: go to the login page instead.
document.addEventListener('htmx:beforeSwap', function (event) {
  var answeredBy = event.detail.xhr.responseURL;
  if (answeredBy && new URL(answeredBy, window.location.href).pathname === '/login') {
    event.detail.shouldSwap = false;
    window.location.assign(answeredBy);
  }
});
