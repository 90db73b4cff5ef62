package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.regex.Pattern;

import io.smallrye.reactive.messaging.kinesis.KinesisConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisExceptions;

/**
 * The enhanced fan-out settings of an incoming channel ({@code consumer-mode=fan-out}).
 *
 * @param consumerName the registered stream consumer: {@code consumer-name}, else {@code application-name} (under
 *        Quarkus: quarkus.application.name), else the channel name; null when {@code consumerArn} is set
 * @param consumerArn an existing consumer, used as it is (never registered); null to register {@code consumerName}
 * @param deregisterOnStop whether the consumer is deregistered when the channel stops
 */
public record FanOutSettings(String consumerName, String consumerArn, boolean deregisterOnStop) {

    /** Kinesis's rule for consumer names. */
    static final Pattern CONSUMER_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    /** arn:aws:kinesis:region:account:stream/name/consumer/consumer-name:creation-timestamp */
    static final Pattern CONSUMER_ARN = Pattern.compile("arn:[^:]+:kinesis:[^:]*:[^:]*:stream/[^/]+/consumer/[^/]+");

    /** The fan-out settings, or null when the channel polls; fails on fan-out attributes set for a polling channel. */
    static FanOutSettings from(KinesisConnectorIncomingConfiguration conf, ConsumerMode mode) {
        String channel = conf.getChannel();
        if (mode == ConsumerMode.POLLING) {
            String set = conf.getConsumerName().isPresent() ? "consumer-name"
                    : conf.getConsumerArn().isPresent() ? "consumer-arn"
                            : conf.getConsumerDeregisterOnStop() ? "consumer-deregister-on-stop" : null;
            if (set != null) {
                throw KinesisExceptions.ex.invalidAttribute(channel, "consumer-mode", conf.getConsumerMode(),
                        "fan-out, since " + set + " is set (or remove " + set + ")");
            }
            return null;
        }
        String arn = conf.getConsumerArn().map(String::trim).orElse(null);
        if (arn != null) {
            if (!CONSUMER_ARN.matcher(arn).matches()) {
                throw KinesisExceptions.ex.invalidAttribute(channel, "consumer-arn", arn,
                        "a stream consumer ARN such as arn:aws:kinesis:us-east-1:123456789012:stream/orders/consumer/billing:1700000000");
            }
            if (conf.getConsumerName().isPresent()) {
                throw KinesisExceptions.ex.invalidAttribute(channel, "consumer-name", conf.getConsumerName().get(),
                        "nothing, since consumer-arn names the consumer to use");
            }
            return new FanOutSettings(null, arn, conf.getConsumerDeregisterOnStop());
        }
        String name = conf.getConsumerName().or(conf::getApplicationName).map(String::trim).filter(n -> !n.isEmpty())
                .orElse(channel);
        if (!CONSUMER_NAME.matcher(name).matches()) {
            String attribute = conf.getConsumerName().isPresent() ? "consumer-name" : "consumer-name (default)";
            throw KinesisExceptions.ex.invalidAttribute(channel, attribute, name,
                    "1 to 128 letters, digits, '_', '.' or '-' (a Kinesis stream consumer name)");
        }
        return new FanOutSettings(name, null, conf.getConsumerDeregisterOnStop());
    }

    /** The consumer, for messages: its name, or its ARN. */
    String consumer() {
        return consumerArn != null ? consumerArn : consumerName;
    }
}
