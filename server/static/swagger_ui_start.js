// Starts Swagger UI on /api/v1/docs (templates/swagger_ui.html) as flask-smorest's page did inline:
// the OpenAPI document's address and OPENAPI_SWAGGER_UI_CONFIG come from the container's data- attributes.
"use strict";

window.addEventListener("load", () => {
  const container = document.getElementById("swagger-ui-container");
  const config = { url: container.dataset.specUrl, dom_id: "#swagger-ui-container" };
  Object.assign(config, JSON.parse(container.dataset.config || "{}"));
  window.ui = window.SwaggerUIBundle(config);
});
