// Written by the local stack: the contract it serves, and the token its routes need (prod only).
window.onload = function () {
  const settings = /*SETTINGS*/;
  window.ui = SwaggerUIBundle({
    url: settings.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    displayRequestDuration: true,
    displayOperationId: true,
    onComplete: function () {
      if (settings.bearerToken) {
        window.ui.preauthorizeApiKey("bearerAuth", settings.bearerToken);
      }
    }
  });
};
