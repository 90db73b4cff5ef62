package io.smallrye.reactive.messaging.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.smallrye.reactive.messaging.kinesis.checkpoint.dynamodb.DynaliteTables;
import io.smallrye.reactive.messaging.kinesis.test.Dynalite;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMock;
import io.smallrye.reactive.messaging.kinesis.test.KinesisMockExtension;
import io.smallrye.reactive.messaging.kinesis.test.SigningRecorder;
import io.smallrye.reactive.messaging.kinesis.test.StsStub;
import io.smallrye.reactive.messaging.test.common.config.MapBasedConfig;

/**
 * Assume-role credentials against kinesis-mock and dynalite, behind a proxy that records which access key signed
 * each request and a loopback STS: the stream's requests carry the assumed role's key, refreshed before it expires;
 * the lease table's requests carry the key of another account's role (dynamodb-credentials).
 */
@ExtendWith(KinesisMockExtension.class)
class CredentialsEmulatorTest extends WeldTestBase {

    static KinesisMock kinesis;
    StsStub sts;
    SigningRecorder kinesisRecorder;

    @BeforeAll
    static void emulator(KinesisMock mock) {
        kinesis = mock;
    }

    @BeforeEach
    void stubs() {
        sts = new StsStub();
        kinesisRecorder = new SigningRecorder(kinesis.endpoint());
    }

    @AfterEach
    void stopStubs() {
        kinesisRecorder.close();
        sts.close();
    }

    private MapBasedConfig outgoing(String stream) {
        String prefix = "mp.messaging.outgoing.orders-out.";
        return new MapBasedConfig()
                .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                .with(prefix + "stream", stream)
                .with(prefix + "region", kinesis.region())
                .with(prefix + "endpoint-override", kinesisRecorder.endpoint().toString());
    }

    @Test
    void streamRequestsAreSignedWithTheAssumedRoleAndItsRefreshedCredentials() {
        String stream = "creds-" + UUID.randomUUID().toString().substring(0, 8);
        kinesis.createStream(stream, 1);
        // the SDK prefetches 5 min before expiry (jittered) and must refresh within 1 min of it (stale time): the
        // first credentials are stale after 10 s, so their next use refreshes them; the second last an hour
        sts.lifetime(n -> n == 1 ? Duration.ofMinutes(1).plusSeconds(10) : Duration.ofHours(1));
        String connector = "mp.messaging.connector.smallrye-kinesis.";
        OutgoingEmulatorTest.OrdersSender app = runApplication(outgoing(stream)
                .with(connector + "credentials-type", "assume-role")
                .with(connector + "credentials-role-arn", "arn:aws:iam::111111111111:role/writer")
                .with(connector + "credentials-external-id", "ext-42")
                .with(connector + "credentials-role-session-name", "orders")
                .with(connector + "credentials-sts-endpoint-override", sts.endpoint().toString())
                .with(connector + "credentials-source", "base")
                .with(connector + "credentials.base.type", "static")
                .with(connector + "credentials.base.access-key-id", "AKIABASE")
                .with(connector + "credentials.base.secret-access-key", "base-secret"),
                OutgoingEmulatorTest.OrdersSender.class);

        app.send("first", "k").toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        String firstKey = sts.issued().get(0).accessKeyId();
        assertThat(firstKey).startsWith("ASIASTUBWRITER");
        assertThat(signers(kinesisRecorder)).containsOnly(firstKey);

        StsStub.Call assumeRole = sts.calls().get(0);
        assertThat(assumeRole.action()).isEqualTo("AssumeRole");
        assertThat(assumeRole.signedBy()).isEqualTo("AKIABASE");
        assertThat(assumeRole.parameters()).containsEntry("RoleArn", "arn:aws:iam::111111111111:role/writer")
                .containsEntry("ExternalId", "ext-42").containsEntry("RoleSessionName", "orders");

        // the SDK refreshes when credentials are used past their (jittered) prefetch time: keep sending
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            app.send("tick", "k").toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            return sts.issued().size() >= 2;
        });
        assertThat(sts.calls()).extracting(StsStub.Call::signedBy).containsOnly("AKIABASE");
        String refreshedKey = sts.issued().get(sts.issued().size() - 1).accessKeyId();
        assertThat(refreshedKey).isNotEqualTo(firstKey).startsWith("ASIASTUBWRITER");
        await().atMost(Duration.ofSeconds(10)).until(() -> sts.issued().size() == 2); // the second lasts an hour
        int before = kinesisRecorder.requests().size();
        app.send("last", "k").toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
        List<SigningRecorder.Signed> after = kinesisRecorder.requests().subList(before, kinesisRecorder.requests().size());
        assertThat(after).isNotEmpty().allSatisfy(signed -> assertThat(signed.accessKeyId()).isEqualTo(refreshedKey));
        assertThat(signers(kinesisRecorder)).containsExactly(firstKey, refreshedKey);
        assertThat(kinesis.readAll(stream)).extracting(KinesisMock.ShardRecord::dataAsUtf8)
                .startsWith("first").endsWith("last");
    }

    @Test
    void leaseTableRequestsCarryTheOtherAccountsKey() {
        Dynalite dynalite = new Dynalite();
        dynalite.start();
        try (SigningRecorder dynamoRecorder = new SigningRecorder(dynalite.endpoint())) {
            String stream = "creds-" + UUID.randomUUID().toString().substring(0, 8);
            kinesis.createStream(stream, 1);
            StreamWriter.putAll(kinesis.client(), stream,
                    IntStream.range(0, 5).mapToObj(i -> StreamWriter.entry("key-" + i, "m-" + i)).toList());
            String prefix = "mp.messaging.incoming.orders-in.";
            IncomingLeaseTableTest.Consumer consumer = runApplication(new MapBasedConfig()
                    .with(prefix + "connector", KinesisConnector.CONNECTOR_NAME)
                    .with(prefix + "stream", stream)
                    .with(prefix + "region", kinesis.region())
                    .with(prefix + "endpoint-override", kinesisRecorder.endpoint().toString())
                    .with(prefix + "starting-position", "trim_horizon")
                    .with(prefix + "checkpoint-store", "dynamodb")
                    .with(prefix + "checkpoint-interval", "200ms")
                    .with(prefix + "application-name", DynaliteTables.newTableName())
                    .with(prefix + "dynamodb-endpoint-override", dynamoRecorder.endpoint().toString())
                    .with(prefix + "credentials-type", "static")
                    .with(prefix + "credentials-access-key-id", "AKIASTREAMACCOUNT")
                    .with(prefix + "credentials-secret-access-key", "stream-secret")
                    .with(prefix + "dynamodb-credentials", "lease")
                    .with(prefix + "credentials.lease.type", "assume-role")
                    .with(prefix + "credentials.lease.role-arn", "arn:aws:iam::222222222222:role/lease-table")
                    .with(prefix + "credentials.lease.sts-endpoint-override", sts.endpoint().toString())
                    .with(prefix + "credentials.lease.source", "lease-base")
                    .with(prefix + "credentials.lease-base.type", "static")
                    .with(prefix + "credentials.lease-base.access-key-id", "AKIALEASEBASE")
                    .with(prefix + "credentials.lease-base.secret-access-key", "lease-base-secret"),
                    IncomingLeaseTableTest.Consumer.class);

            await().atMost(Duration.ofSeconds(60)).until(() -> consumer.received().size() == 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> dynamoRecorder.requests().stream()
                    .anyMatch(signed -> String.valueOf(signed.operation()).endsWith("UpdateItem")));

            String leaseKey = sts.issued().get(0).accessKeyId();
            assertThat(leaseKey).startsWith("ASIASTUBLEASETABLE");
            assertThat(sts.calls()).singleElement().satisfies(call -> assertThat(call.signedBy()).isEqualTo("AKIALEASEBASE"));
            assertThat(signers(dynamoRecorder)).containsOnly(leaseKey);
            assertThat(signers(kinesisRecorder)).containsOnly("AKIASTREAMACCOUNT");
        } finally {
            if (container != null && container.isRunning()) {
                container.shutdown();
            }
            dynalite.stop();
        }
    }

    private static List<String> signers(SigningRecorder recorder) {
        return recorder.requests().stream().map(SigningRecorder.Signed::accessKeyId).distinct().toList();
    }
}
