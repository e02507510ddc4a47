package dev.usersapi.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Invokes a handler the way the Lambda Java runtime does: the event arrives as JSON, the
 * runtime's own serializers turn it into the handler's input type (the event classes it knows
 * get their special mappings, anything else plain Jackson), and the output goes back to JSON.
 * So a handler run locally sees exactly the objects it sees in Lambda.
 */
final class LambdaInvoker<I, O> {
    private final RequestHandler<I, O> handler;
    private final PojoSerializer<I> input;
    private final PojoSerializer<O> output;

    LambdaInvoker(RequestHandler<I, O> handler, Class<I> inputType, Class<O> outputType) {
        this.handler = handler;
        this.input = serializerFor(inputType);
        this.output = serializerFor(outputType);
    }

    /** The handler's answer to a JSON event, as JSON. */
    String invoke(String eventJson, Context context) {
        return new String(invoke(eventJson.getBytes(StandardCharsets.UTF_8), context), StandardCharsets.UTF_8);
    }

    /** The same, in the bytes the runtime reads and writes: no text conversion on the gateway's path. */
    byte[] invoke(byte[] eventJson, Context context) {
        I event = input.fromJson(new java.io.ByteArrayInputStream(eventJson));
        O result = handler.handleRequest(event, context);
        ByteArrayOutputStream json = new ByteArrayOutputStream(512);
        output.toJson(result, json);
        return json.toByteArray();
    }

    I parse(String eventJson) {
        return input.fromJson(eventJson);
    }

    private static <T> PojoSerializer<T> serializerFor(Class<T> type) {
        if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
            return LambdaEventSerializers.serializerFor(type, LambdaInvoker.class.getClassLoader());
        }
        return JacksonFactory.getInstance().getSerializer(type);
    }
}
