package dev.usersapi.bench;

import java.util.List;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The SDK's three synchronous HTTP clients the cold-start benchmark compares, each with the
 * libraries it brings (named by one class of each, so the benchmark finds their jars on its own
 * class path). A probe JVM names only the one its jar holds: the others are never loaded.
 */
enum HttpClientKind {
    APACHE5("apache5-client", List.of("software.amazon.awssdk.http.apache5.Apache5HttpClient",
            "org.apache.hc.client5.http.classic.HttpClient", "org.apache.hc.core5.http.HttpHost",
            "org.apache.hc.core5.http2.HttpVersionPolicy")),
    URL_CONNECTION("url-connection-client", List.of("software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient")),
    AWS_CRT("aws-crt-client", List.of("software.amazon.awssdk.http.crt.AwsCrtHttpClient",
            "software.amazon.awssdk.crtcore.CrtProxyConfiguration", "software.amazon.awssdk.crt.CRT"));

    private final String artifact;
    private final List<String> libraryClasses;

    HttpClientKind(String artifact, List<String> libraryClasses) {
        this.artifact = artifact;
        this.libraryClasses = libraryClasses;
    }

    String artifact() {
        return artifact;
    }

    /** One class of each jar the client needs at run time. */
    List<String> libraryClasses() {
        return libraryClasses;
    }

    static HttpClientKind of(String artifact) {
        for (HttpClientKind kind : values()) {
            if (kind.artifact.equals(artifact)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("no HTTP client " + artifact);
    }

    /** The client's builder with its defaults, as the handler's own would be: only this branch's classes load. */
    SdkHttpClient.Builder<?> builder() {
        return switch (this) {
            case APACHE5 -> Apache5HttpClient.builder();
            case URL_CONNECTION -> UrlConnectionHttpClient.builder();
            case AWS_CRT -> AwsCrtHttpClient.builder();
        };
    }
}
