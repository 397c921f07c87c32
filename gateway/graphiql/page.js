// Starts GraphiQL with the config the gateway put in the page's JSON data
// block. Kept out of the HTML so the Content-Security-Policy needs no inline
// script. Globals React, ReactDOM, GraphiQL and GraphiQLPluginExplorer come
// from the vendored UMD builds loaded before this file.
(function () {
  "use strict";

  var PREFIX = "graphiql:";

  // Drops every "headers" entry from a stored JSON value. GraphiQL honours
  // shouldPersistHeaders for its tabs but still writes headers into its query
  // history and favourites; credentials must not end up in localStorage.
  function withoutHeaders(value) {
    var parsed;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      return value;
    }
    (function strip(node) {
      if (Array.isArray(node)) {
        node.forEach(strip);
      } else if (node && typeof node === "object") {
        delete node.headers;
        Object.keys(node).forEach(function (key) {
          strip(node[key]);
        });
      }
    })(parsed);
    return JSON.stringify(parsed);
  }

  // localStorage as GraphiQL uses it by default, minus stored headers.
  function storageWithoutHeaders() {
    return {
      getItem: function (key) {
        return localStorage.getItem(key);
      },
      setItem: function (key, value) {
        var keep = key === PREFIX + "shouldPersistHeaders";
        localStorage.setItem(key, keep ? value : withoutHeaders(value));
      },
      removeItem: function (key) {
        localStorage.removeItem(key);
      },
      get length() {
        return Object.keys(localStorage).filter(function (key) {
          return key.indexOf(PREFIX) === 0;
        }).length;
      },
      clear: function () {
        Object.keys(localStorage).forEach(function (key) {
          if (key.indexOf(PREFIX) === 0) localStorage.removeItem(key);
        });
      },
    };
  }

  var config = JSON.parse(
    document.getElementById("graphiql-config").textContent,
  );
  // GraphiQL's dialogs add a <style> element; the bundled code tags it with
  // this global, which the page's Content-Security-Policy allows.
  window.__webpack_nonce__ = config.styleNonce;

  var props = {
    fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    // Only the default: GraphiQL restores the user's own tabs on reload, and
    // a `query` prop would overwrite them with the example every time.
    defaultQuery: config.query,
    defaultHeaders: config.headers,
    headers: config.headers,
    shouldPersistHeaders: config.persistHeaders,
    defaultEditorToolsVisibility: "headers",
    isHeadersEditorEnabled: true,
  };
  if (!config.persistHeaders) props.storage = storageWithoutHeaders();

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, props),
  );
})();
