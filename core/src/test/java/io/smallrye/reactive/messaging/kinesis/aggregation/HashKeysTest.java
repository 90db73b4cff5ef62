package io.smallrye.reactive.messaging.kinesis.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

import software.amazon.kinesis.retrieval.AggregatorUtil;

class HashKeysTest {

    /** Exposes the KCL's own hash key computation, an implementation we did not write. */
    static final class KclHashKeys extends AggregatorUtil {
        BigInteger of(String partitionKey, String explicitHashKey) {
            try {
                return effectiveHashKey(partitionKey, explicitHashKey);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void partitionKeyHashIsItsMd5AsAnUnsignedNumber() {
        // published MD5 test vectors (RFC 1321) and two keys with the top bit set
        assertThat(HashKeys.ofPartitionKey("a")).isEqualTo(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16));
        assertThat(HashKeys.ofPartitionKey("abc")).isEqualTo(new BigInteger("900150983cd24fb0d6963f7d28e17f72", 16));
        assertThat(HashKeys.ofPartitionKey("message digest"))
                .isEqualTo(new BigInteger("f96b697d7cb7938d525a2f31aaf161d0", 16));
        assertThat(HashKeys.ofPartitionKey("")).isEqualTo(new BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16));
        // UTF-8 bytes (computed with Python's hashlib): é = C3 A9, 😀 = F0 9F 98 80 (a surrogate pair in Java)
        assertThat(HashKeys.ofPartitionKey("\u00e9")).isEqualTo(new BigInteger("136732923097551493579404309126273812335"));
        assertThat(HashKeys.ofPartitionKey("\ud83d\ude00")).isEqualTo(new BigInteger("2a02eac39d716a70ecf37579185927b6", 16));
        assertThat(HashKeys.ofPartitionKey("\u30ad\u30fc")).isEqualTo(new BigInteger("8cde9c0ec496566aba27be98508c48a0", 16));
        // unsigned: a digest with the top bit set stays positive
        assertThat(HashKeys.ofPartitionKey("message digest").bitLength()).isEqualTo(128);
        assertThat(HashKeys.ofPartitionKey("message digest").signum()).isPositive();
    }

    @Test
    void matchesTheKclForRandomUnicodeKeys() {
        KclHashKeys kcl = new KclHashKeys();
        RandomRecords.withSeed(random -> {
            RandomRecords records = new RandomRecords(random);
            for (int i = 0; i < 2_000; i++) {
                String key = records.newPartitionKey();
                assertThat(HashKeys.ofPartitionKey(key)).as("key %s", key).isEqualTo(kcl.of(key, null));
                String explicit = records.hashKey().toString();
                assertThat(HashKeys.effective(key, explicit)).isEqualTo(kcl.of(key, explicit));
            }
        });
    }

    @Test
    void hashesIndependentlyOnManyThreads() throws InterruptedException {
        BigInteger expected = new BigInteger("900150983cd24fb0d6963f7d28e17f72", 16);
        Thread[] threads = new Thread[4];
        boolean[] ok = new boolean[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int index = t;
            threads[t] = new Thread(() -> {
                boolean all = true;
                for (int i = 0; i < 20_000; i++) {
                    all &= HashKeys.ofPartitionKey("abc").equals(expected);
                    HashKeys.ofPartitionKey("other key " + i);
                }
                ok[index] = all;
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(ok).containsOnly(true);
    }

    @Test
    void explicitHashKeysAreDecimalsWithin128Bits() {
        assertThat(HashKeys.parseExplicit("0")).isEqualTo(BigInteger.ZERO);
        assertThat(HashKeys.parseExplicit("340282366920938463463374607431768211455")).isEqualTo(HashKeys.MAX);
        assertThat(HashKeys.parseExplicit("000123")).isEqualTo(BigInteger.valueOf(123));
        for (String invalid : new String[] { "340282366920938463463374607431768211456", "-1", "+1", "1e3", "", " 1",
                "0x10", "\u0661\u0662\u0663" /* Arabic-Indic digits, which BigInteger would accept */ }) {
            assertThat(HashKeys.tryParseExplicit(invalid)).as(invalid).isNull();
            assertThatThrownBy(() -> HashKeys.parseExplicit(invalid)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(HashKeys.tryParseExplicit(null)).isNull();
        assertThat(HashKeys.tryParseExplicit("0".repeat(65))).isNull();
    }

    @Test
    void effectiveHashKeyPrefersTheExplicitOne() {
        assertThat(HashKeys.effective("abc", null)).isEqualTo(HashKeys.ofPartitionKey("abc"));
        assertThat(HashKeys.effective("abc", "42")).isEqualTo(BigInteger.valueOf(42));
    }
}
