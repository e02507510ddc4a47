package dev.usersapi.engine.durability;

import dev.usersapi.engine.Tables;
import dev.usersapi.engine.api.DynamoDbEngine;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The process the crash test kills: writers on an engine on disk, each printing a key once its
 * write was acknowledged. Every item carries its key twice and a payload whose length it states,
 * so a reader can tell a half-written item.
 */
public final class CrashWriter {
    public static void main(String[] args) throws Exception {
        DynamoDbEngine engine = DynamoDbEngine.open(Path.of(args[0]), Clock.systemUTC());
        Tables.call(engine, "CreateTable", Tables.USERS);
        int threads = Integer.parseInt(args[1]);
        System.out.println("ready");
        System.out.flush();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            new Thread(() -> {
                for (int i = 0; ; i++) {
                    String id = "t" + thread + "-" + i;
                    String payload = "x".repeat(i % 700);
                    var reply = Tables.call(engine, "PutItem", "{\"TableName\":\"users\",\"Item\":{\"id\":{\"S\":\"" + id + "\"},\"copy\":{\"S\":\""
                            + id + "\"},\"email\":{\"S\":\"" + thread + "@x\"},\"payload\":{\"S\":\"" + payload + "\"},\"length\":{\"N\":\""
                            + payload.length() + "\"}}}");
                    if (reply.status() == 200) {
                        synchronized (System.out) {
                            System.out.println("acked " + id);
                            System.out.flush();
                        }
                    }
                }
            }).start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
