// Starts GraphiQL with the config the gateway put in the page's JSON data
// block. Kept out of the HTML so the Content-Security-Policy needs no inline
// script. Globals React, ReactDOM, GraphiQL and GraphiQLPluginExplorer come
// from the vendored UMD builds loaded before this file.
(function () {
  "use strict";

  var config = JSON.parse(
    document.getElementById("graphiql-config").textContent,
  );
  var fetcher = GraphiQL.createFetcher({ url: config.endpoint });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultQuery: config.query,
      query: config.query,
      defaultHeaders: config.headers,
      headers: config.headers,
      shouldPersistHeaders: config.persistHeaders,
      defaultEditorToolsVisibility: "headers",
      isHeadersEditorEnabled: true,
    }),
  );
})();
