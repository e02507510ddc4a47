package dev.usersapi.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.util.Map;

/**
 * API Gateway payload 2.0 events for the benchmarks' direct calls of the handler, each with the
 * claims API Gateway's JWT authorizer passes (an administrator's access token), as every deployed request has.
 */
final class Events {
    private Events() {}

    static APIGatewayV2HTTPEvent http(String method, String path, String routeKey, Map<String, String> pathParameters, String body) {
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod(method).withPath(path).build();
        return APIGatewayV2HTTPEvent.builder().withVersion("2.0").withRouteKey(routeKey).withRawPath(path)
                .withHeaders(body == null ? Map.of() : Map.of("content-type", "application/json"))
                .withPathParameters(pathParameters.isEmpty() ? null : pathParameters).withBody(body)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withRequestId("bench").withRouteKey(routeKey)
                        .withHttp(http)
                        .withAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                                .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT.builder()
                                        .withClaims(Map.of("sub", "bench", "client_id", "bench", "scope", "users/admin")).build())
                                .build())
                        .build())
                .build();
    }
}
