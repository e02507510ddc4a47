package dev.usersapi.trace;

import java.util.Optional;

/**
 * The X-Ray trace header of the current invocation ({@code Root=1-...;Parent=...;Sampled=1}): the
 * trace a subsegment belongs to and the segment it hangs from. Lambda's Java runtime sets it per
 * invocation as the system property {@value #PROPERTY} (aws-lambda-java-runtime-interface-client,
 * {@code AWSLambda.java}, reading the runtime API's {@code Lambda-Runtime-Trace-Id}; the X-Ray SDK for
 * Java reads it there since 2.9.0, aws/aws-xray-sdk-java#251); {@code _X_AMZN_TRACE_ID} is where
 * other runtimes put it (Lambda's "Using Lambda environment variables").
 */
public record TraceHeader(String root, String parent) {
    public static final String PROPERTY = "com.amazonaws.xray.traceHeader";
    public static final String ENVIRONMENT = "_X_AMZN_TRACE_ID";

    /** The header as Lambda hands it to this invocation, if any. */
    public static String current() {
        String header = System.getProperty(PROPERTY);
        return header != null ? header : System.getenv(ENVIRONMENT);
    }

    /** Whether the header asks for this request to be recorded; checked without allocating, on every call. */
    public static boolean sampled(String header) {
        return header != null && header.contains("Sampled=1");
    }

    /** The trace and parent of a header; empty when either is missing (nothing to attach a subsegment to). */
    public static Optional<TraceHeader> parse(String header) {
        String root = null;
        String parent = null;
        for (String part : header.split(";")) {
            int equals = part.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String key = part.substring(0, equals).trim();
            String value = part.substring(equals + 1).trim();
            if (key.equals("Root")) {
                root = value;
            } else if (key.equals("Parent")) {
                parent = value;
            }
        }
        return root == null || parent == null || root.isEmpty() || parent.isEmpty()
                ? Optional.empty() : Optional.of(new TraceHeader(root, parent));
    }
}
