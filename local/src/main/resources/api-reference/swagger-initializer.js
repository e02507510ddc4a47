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
      // Swagger UI's own action for an OAuth 2.0 scheme's token (what its Authorize dialog
      // dispatches once it has one): every call of an operation that names the scheme sends it.
      if (settings.bearerToken && settings.securityScheme) {
        window.ui.authActions.authorizeOauth2({
          auth: { name: settings.securityScheme, schema: settings.securitySchemeDefinition },
          token: { access_token: settings.bearerToken, token_type: "Bearer" }
        });
      }
    }
  });
};
