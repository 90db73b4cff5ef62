package io.smallrye.reactive.messaging.kinesis.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import io.smallrye.reactive.messaging.kinesis.config.DurationParser;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisCredentialsExceptions;

/**
 * What credentials a client built by the connector signs with, read from properties and checked (required values,
 * formats) before anything is built. Equal specs share one provider and, with equal region and endpoint, one client.
 * <p>
 * The same keys are read under three prefixes: a channel's {@code credentials-} attributes (also at connector level),
 * a named credentials set {@code credentials.<name>.} (defined on the channel or at connector level: the source of
 * {@code assume-role} and the {@code dynamodb-credentials} of a lease table), and the Quarkus defaults
 * {@code quarkus.messaging.kinesis.credentials.}. {@link #toString()} masks the access key id and never shows a
 * secret.
 *
 * @param origin the prefix of the properties it was read from, for messages
 * @param source the credentials an {@code assume-role} spec calls STS with; null: the SDK's default chain
 */
public record CredentialsSpec(String type, String origin, String accessKeyId, String secretAccessKey,
        String profileName, String profileFile, String roleArn, String externalId, String roleSessionName,
        Duration roleSessionDuration, String webIdentityTokenFile, String bean, String stsEndpointOverride,
        String stsRegion, CredentialsSpec source) {

    public static final String DEFAULT = "default";
    public static final String STATIC = "static";
    public static final String PROFILE = "profile";
    public static final String ASSUME_ROLE = "assume-role";
    public static final String WEB_IDENTITY = "web-identity";
    public static final String CONTAINER = "container";
    public static final String CUSTOM = "custom";
    public static final List<String> TYPES = List.of(DEFAULT, STATIC, PROFILE, ASSUME_ROLE, WEB_IDENTITY, CONTAINER,
            CUSTOM);

    /** The channel attributes' prefix. */
    public static final String ATTRIBUTE_PREFIX = "credentials-";
    /** The session name of assume-role and web-identity when none is configured (it shows in CloudTrail). */
    public static final String DEFAULT_SESSION_NAME = "smallrye-kinesis";
    static final Duration MIN_SESSION = Duration.ofMinutes(15);
    static final Duration MAX_SESSION = Duration.ofHours(12);
    static final int MAX_SOURCE_DEPTH = 5;

    /** The SDK's default chain, as used when nothing is configured. */
    public static final CredentialsSpec SDK_DEFAULT = new CredentialsSpec(DEFAULT, ATTRIBUTE_PREFIX, null, null, null,
            null, null, null, null, null, null, null, null, null, null);

    /**
     * Reads a spec.
     *
     * @param properties the value of a key (type, access-key-id, ...) under {@code prefix}
     * @param prefix how the property names start, for messages
     * @param sets the value of a property by full name, where the named credentials sets are defined
     * @return the spec, or empty when {@code <prefix>type} is not set
     */
    public static Optional<CredentialsSpec> read(Function<String, Optional<String>> properties, String prefix,
            Function<String, Optional<String>> sets) {
        return read(properties, prefix, sets, new ArrayList<>());
    }

    /**
     * The named credentials set {@code name}, defined by {@code credentials.<name>.*} properties.
     *
     * @param referrer the property that names the set, for messages
     */
    public static CredentialsSpec named(String name, String referrer, Function<String, Optional<String>> sets) {
        return named(name, referrer, sets, new ArrayList<>());
    }

    private static CredentialsSpec named(String name, String referrer, Function<String, Optional<String>> sets,
            List<String> chain) {
        if (chain.contains(name) || chain.size() >= MAX_SOURCE_DEPTH) {
            chain.add(name);
            throw KinesisCredentialsExceptions.ex.sourceLoop(referrer, name, String.join(" -> ", chain));
        }
        String prefix = setPrefix(name);
        chain.add(name);
        return read(key -> nonBlank(sets.apply(prefix + key)), prefix, sets, chain)
                .orElseThrow(() -> KinesisCredentialsExceptions.ex.setNotDefined(referrer, name, name, prefix + "type",
                        name));
    }

    /** How the properties of the named set {@code name} start. */
    public static String setPrefix(String name) {
        return "credentials." + name + ".";
    }

    private static Optional<CredentialsSpec> read(Function<String, Optional<String>> raw, String prefix,
            Function<String, Optional<String>> sets, List<String> chain) {
        Function<String, Optional<String>> properties = key -> nonBlank(raw.apply(key));
        Optional<String> typeValue = properties.apply("type");
        if (typeValue.isEmpty()) {
            return Optional.empty();
        }
        String typeProperty = prefix + "type";
        String type = typeValue.get().trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!TYPES.contains(type)) {
            throw KinesisCredentialsExceptions.ex.unknownType(typeValue.get(), typeProperty);
        }
        Function<String, String> value = key -> properties.apply(key).orElse(null);
        Required required = (key, fix) -> properties.apply(key)
                .orElseThrow(() -> KinesisCredentialsExceptions.ex.missing(typeProperty, type, prefix + key, fix));
        String accessKeyId = null;
        String secret = null;
        String roleArn = null;
        String tokenFile = null;
        String bean = null;
        CredentialsSpec source = null;
        switch (type) {
            case STATIC:
                String both = "set both " + prefix + "access-key-id and " + prefix
                        + "secret-access-key, or use the type 'default' (the AWS default credentials chain)";
                accessKeyId = required.get("access-key-id", both);
                secret = required.get("secret-access-key", both);
                break;
            case ASSUME_ROLE:
                roleArn = required.get("role-arn",
                        "set it to the ARN of the role to assume, e.g. arn:aws:iam::123456789012:role/kinesis-consumer");
                Optional<String> sourceName = properties.apply("source");
                if (sourceName.isPresent()) {
                    source = named(sourceName.get(), prefix + "source", sets, chain);
                }
                break;
            case WEB_IDENTITY:
                tokenFile = required.get("web-identity-token-file",
                        "set it to the file holding the OIDC token, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token");
                roleArn = required.get("role-arn",
                        "set it to the ARN of the role to assume with the token, e.g. arn:aws:iam::123456789012:role/kinesis-app");
                break;
            case CUSTOM:
                bean = required.get("bean", "set it to the @Identifier of a CDI bean of type AwsCredentialsProvider");
                break;
            default:
                break;
        }
        String sessionName = value.apply("role-session-name");
        Duration duration = properties.apply("role-session-duration").map(text -> {
            Duration parsed = DurationParser.parse(text);
            if (parsed == null || parsed.compareTo(MIN_SESSION) < 0 || parsed.compareTo(MAX_SESSION) > 0) {
                throw KinesisCredentialsExceptions.ex.invalidValue(prefix + "role-session-duration", text,
                        "a duration from 15m to 12h such as 30m, 2h, PT1H or 3600 (a bare number is seconds); STS limits, "
                                + "the role's maximum session duration applies too");
            }
            return parsed;
        }).orElse(null);
        String stsEndpoint = value.apply("sts-endpoint-override");
        if (stsEndpoint != null && !stsEndpoint.matches("(?i)https?://[^/\\s]+.*")) {
            throw KinesisCredentialsExceptions.ex.invalidValue(prefix + "sts-endpoint-override", stsEndpoint,
                    "an absolute URI such as https://sts.eu-west-1.amazonaws.com or a VPC endpoint's https:// URL");
        }
        return Optional.of(new CredentialsSpec(type, prefix, accessKeyId, secret, value.apply("profile-name"),
                value.apply("profile-file"), roleArn, value.apply("external-id"), sessionName, duration, tokenFile,
                bean, stsEndpoint, value.apply("sts-region"), source));
    }

    private interface Required {
        String get(String key, String fix);
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.filter(text -> !text.isBlank()).map(String::trim);
    }

    /** The role session name to use. */
    public String sessionName() {
        return roleSessionName != null ? roleSessionName : DEFAULT_SESSION_NAME;
    }

    /** An access key id as logs may show it: its first four characters. */
    public static String mask(String accessKeyId) {
        if (accessKeyId == null) {
            return null;
        }
        return (accessKeyId.length() > 4 ? accessKeyId.substring(0, 4) : "") + "****";
    }

    /** No secret in here: the access key id masked, the secret key left out, paths and ARNs shown. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(type).append(" (").append(origin).append("*");
        append(text, "access-key-id", mask(accessKeyId));
        append(text, "profile-name", profileName);
        append(text, "profile-file", profileFile);
        append(text, "role-arn", roleArn);
        append(text, "role-session-name", roleSessionName);
        append(text, "web-identity-token-file", webIdentityTokenFile);
        append(text, "bean", bean);
        append(text, "sts-endpoint-override", stsEndpointOverride);
        append(text, "sts-region", stsRegion);
        if (source != null) {
            text.append(", source=").append(source);
        }
        return text.append(')').toString();
    }

    private static void append(StringBuilder text, String key, String value) {
        if (value != null) {
            text.append(", ").append(key).append('=').append(value);
        }
    }
}
