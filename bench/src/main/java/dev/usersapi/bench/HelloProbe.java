package dev.usersapi.bench;

/** The floor of a cold start: a JVM that starts, prints and exits. */
public final class HelloProbe {
    private HelloProbe() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
