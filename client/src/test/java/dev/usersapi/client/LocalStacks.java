package dev.usersapi.client;

import dev.usersapi.declaration.ProjectLayout;
import dev.usersapi.local.LocalOptions;
import dev.usersapi.local.LocalStack;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The local stacks the client's tests run against, started once for all of them and stopped
 * after the last: a {@link LocalStack} parameter is the open dev stack; one marked {@link Prod}
 * is the prod stack, whose every route needs a token from its {@code POST /oauth2/token}, as
 * behind API Gateway's JWT authorizer with Cognito's token endpoint.
 */
public final class LocalStacks implements ParameterResolver {
    /** The local stack of prod: routes behind the local JWT authorizer. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Prod {}

    private record Started(LocalStack stack) implements AutoCloseable {
        @Override
        public void close() {
            stack.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String stack = parameter.isAnnotated(Prod.class) ? "prod" : "dev";
        return context.getRoot().getStore(ExtensionContext.Namespace.create(LocalStacks.class))
                .getOrComputeIfAbsent(stack, name -> new Started(start(name)), Started.class).stack();
    }

    private static LocalStack start(String stack) {
        LocalStack started = LocalStack.start(LocalOptions.parse("--port", "0", "--in-memory", "--stack", stack), ProjectLayout.current());
        if (stack.equals("prod") && started.authorizer().isEmpty()) {
            started.close();
            throw new IllegalStateException("the local prod stack has no JWT authorizer: its routes are open, so it tests nothing of prod's");
        }
        return started;
    }
}
