package io.smallrye.reactive.messaging.kinesis;

import java.util.concurrent.TimeUnit;

import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Run in a forked JVM by {@link WebIdentityDefaultChainTest}: sends messages through an outgoing channel that sets no
 * credentials, so the SDK default chain must find the web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN).
 * Arguments: stream, endpoint; prints "SENT n" and exits 0 when every message was acked.
 */
public final class WebIdentityMain extends WeldTestBase {

    public static void main(String[] args) {
        WebIdentityMain main = new WebIdentityMain();
        main.initWeld();
        String prefix = "mp.messaging.outgoing.orders-out.";
        OutgoingEmulatorTest.OrdersSender sender = main.runApplication(new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", args[0])
                .with(prefix + "endpoint-override", args[1]), OutgoingEmulatorTest.OrdersSender.class);
        for (int i = 0; i < 3; i++) {
            sender.send("web-" + i, "k").toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        }
        System.out.println("SENT 3");
        main.stopContainer();
        System.exit(0);
    }
}
