package io.smallrye.reactive.messaging.kinesis.aggregation;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import software.amazon.awssdk.core.SdkBytes;

/**
 * Random user records for property-style tests, and a runner that reports the seed of a failing run. Set the system
 * property {@code aggregation.seed} to replay one.
 */
final class RandomRecords {

    /** A user record as the producer hands it to the writer. */
    record Input(String partitionKey, String explicitHashKey, byte[] data) {
        SdkBytes sdkBytes() {
            return SdkBytes.fromByteArrayUnsafe(data);
        }
    }

    private final Random random;
    private final List<String> keyPool = new ArrayList<>();

    RandomRecords(Random random) {
        this.random = random;
    }

    /** Runs the check with a fresh seed (or the one of -Daggregation.seed), naming the seed if it fails. */
    static void withSeed(Consumer<Random> check) {
        long seed = Long.getLong("aggregation.seed", System.nanoTime());
        try {
            check.accept(new Random(seed));
        } catch (Throwable t) {
            AssertionError e = new AssertionError("Failed with seed " + seed + " (replay with -Daggregation.seed="
                    + seed + "): " + t.getMessage(), t);
            System.err.println(e.getMessage());
            throw e;
        }
    }

    Input next(int maxDataBytes) {
        String partitionKey = random.nextInt(3) == 0 && !keyPool.isEmpty()
                ? keyPool.get(random.nextInt(keyPool.size())) // repeated keys share a table entry
                : newPartitionKey();
        keyPool.add(partitionKey);
        String explicitHashKey = random.nextBoolean() ? null : hashKey().toString();
        return new Input(partitionKey, explicitHashKey, data(maxDataBytes));
    }

    List<Input> list(int count, int maxDataBytes) {
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inputs.add(next(maxDataBytes));
        }
        return inputs;
    }

    byte[] data(int maxBytes) {
        int length;
        switch (random.nextInt(4)) {
            case 0 -> length = 0;
            case 1 -> length = maxBytes;
            default -> length = random.nextInt(maxBytes + 1);
        }
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }

    BigInteger hashKey() {
        return switch (random.nextInt(8)) {
            case 0 -> HashKeys.MIN;
            case 1 -> HashKeys.MAX;
            default -> new BigInteger(128, random);
        };
    }

    /** 1 to 256 chars: ASCII, accented Latin, CJK and supplementary characters (surrogate pairs), no lone surrogate. */
    String newPartitionKey() {
        int length = 1 + random.nextInt(random.nextBoolean() ? 16 : 256);
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            int codePoint = switch (random.nextInt(5)) {
                case 0 -> 0x20 + random.nextInt(0x5F);
                case 1 -> 0xA0 + random.nextInt(0x100);
                case 2 -> 0x4E00 + random.nextInt(0x5000);
                case 3 -> 0x1F600 + random.nextInt(0x50); // emoji, a surrogate pair
                default -> 0x10000 + random.nextInt(0x100000 - 0x10000);
            };
            if (Character.charCount(codePoint) == 2 && sb.length() + 2 > length) {
                codePoint = 'x';
            }
            sb.appendCodePoint(codePoint);
        }
        return sb.toString();
    }
}
