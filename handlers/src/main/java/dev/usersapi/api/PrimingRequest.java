package dev.usersapi.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/**
 * The request the priming hook sends: a GET of a well-formed id no user has (its time is the epoch),
 * from a caller with the read scope, so it passes authorization and reaches DynamoDB as a user's would.
 */
final class PrimingRequest {
    static final String ID = "00000000-0000-7000-8000-000000000000";

    private PrimingRequest() {}

    static APIGatewayV2HTTPEvent event() {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath("/users/" + ID).build();
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(Route.GET_USER.routeKey())
                .withRawPath("/users/" + ID)
                .withHeaders(Map.of())
                .withPathParameters(Map.of("id", ID))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("snapstart-priming").withRouteKey(Route.GET_USER.routeKey()).withHttp(http)
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", "snapstart-priming", "scope", Route.Scopes.READ_SCOPE)).build())
                                .build())
                        .build())
                .build();
    }
}
