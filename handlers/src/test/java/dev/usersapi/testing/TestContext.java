package dev.usersapi.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.util.UUID;

/** The Lambda context of one test invocation: a fresh request id, the function's name. */
public record TestContext(String awsRequestId, String functionName) implements Context {
    public static TestContext of(String functionName) {
        return new TestContext(UUID.randomUUID().toString(), functionName);
    }

    @Override public String getAwsRequestId() { return awsRequestId; }
    @Override public String getLogGroupName() { return "/aws/lambda/" + functionName; }
    @Override public String getLogStreamName() { return "test"; }
    @Override public String getFunctionName() { return functionName; }
    @Override public String getFunctionVersion() { return "1"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:" + functionName + ":live"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 10_000; }
    @Override public int getMemoryLimitInMB() { return 1024; }
    @Override public LambdaLogger getLogger() {
        throw new UnsupportedOperationException("the handlers write JSON lines to standard output, never through LambdaLogger");
    }
}
