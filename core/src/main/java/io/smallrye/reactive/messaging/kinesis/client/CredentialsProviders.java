package io.smallrye.reactive.messaging.kinesis.client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.smallrye.reactive.messaging.kinesis.i18n.KinesisCredentialsExceptions;
import io.smallrye.reactive.messaging.kinesis.i18n.KinesisCredentialsLogging;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.auth.StsWebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credentials providers of the clients the connector builds: one per distinct {@link CredentialsSpec}, checked
 * when created (a missing profile or an unreadable token file fails the channel's start), and closed with their STS
 * clients at shutdown. Providers that call STS (or the container endpoint, or the instance metadata service) refresh
 * in the background ahead of expiry (the SDK's prefetch, 5 min before; blocking only within 1 min of expiry) so that
 * no event loop waits for them; every provider but static ones and the application's beans fetches its first
 * credentials when created, on the thread that starts the channel.
 */
class CredentialsProviders {

    private final Map<CredentialsSpec, AwsCredentialsProvider> providers = new ConcurrentHashMap<>();
    private final List<Owned> owned = new CopyOnWriteArrayList<>();
    private final Function<String, AwsCredentialsProvider> beans;

    private record Owned(CredentialsSpec spec, SdkAutoCloseable closeable) {
    }

    /**
     * @param beans the AwsCredentialsProvider bean with an @Identifier, or null
     */
    CredentialsProviders(Function<String, AwsCredentialsProvider> beans) {
        this.beans = beans;
    }

    /**
     * The provider of a spec, created once.
     *
     * @param region the region of the client, for STS when {@code sts-region} is not set; null: default chain
     */
    synchronized AwsCredentialsProvider provider(CredentialsSpec spec, String region) {
        AwsCredentialsProvider existing = providers.get(spec);
        if (existing != null) {
            return existing;
        }
        AwsCredentialsProvider created = create(spec, region);
        providers.put(spec, created);
        KinesisCredentialsLogging.log.providerCreated(spec.toString());
        return created;
    }

    private AwsCredentialsProvider create(CredentialsSpec spec, String region) {
        switch (spec.type()) {
            case CredentialsSpec.STATIC:
                return StaticCredentialsProvider.create(AwsBasicCredentials.create(spec.accessKeyId(),
                        spec.secretAccessKey()));
            case CredentialsSpec.PROFILE:
                return primed(own(spec, profile(spec)));
            case CredentialsSpec.ASSUME_ROLE:
                return primed(own(spec, assumeRole(spec, region)));
            case CredentialsSpec.WEB_IDENTITY:
                return primed(own(spec, webIdentity(spec, region)));
            case CredentialsSpec.CONTAINER:
                return primed(own(spec, ContainerCredentialsProvider.builder().asyncCredentialUpdateEnabled(true).build()));
            case CredentialsSpec.CUSTOM:
                AwsCredentialsProvider bean = beans == null ? null : beans.apply(spec.bean());
                if (bean == null) {
                    throw KinesisCredentialsExceptions.ex.beanNotFound(spec.origin() + "bean", spec.bean(), spec.bean());
                }
                return bean; // the application's: not closed here
            default:
                return primed(own(spec, DefaultCredentialsProvider.builder().build()));
        }
    }

    private <P extends SdkAutoCloseable> P own(CredentialsSpec spec, P closeable) {
        owned.add(new Owned(spec, closeable));
        return closeable;
    }

    /**
     * The first credentials are fetched now, off the event loops: the SDK resolves them on the thread that makes the
     * first request (a channel's event loop), and a provider's first fetch can read files, run a credential process or
     * call STS, the container endpoint or the instance metadata service. A failure here (nothing found, an endpoint
     * unreachable) is not fatal: the provider tries again when a request needs credentials.
     */
    private static AwsCredentialsProvider primed(AwsCredentialsProvider provider) {
        try {
            provider.resolveCredentials();
        } catch (RuntimeException e) {
            KinesisCredentialsLogging.log.providerPrimeFailed(AwsErrors.summary(e));
            KinesisCredentialsLogging.log.providerPrimeFailedTrace(e);
        }
        return provider;
    }

    private ProfileCredentialsProvider profile(CredentialsSpec spec) {
        String name = spec.profileName() != null ? spec.profileName()
                : ProfileFileSystemSetting.AWS_PROFILE.getStringValue().orElse("default");
        String nameProperty = spec.origin() + "profile-name";
        ProfileFile file;
        String where;
        if (spec.profileFile() != null) {
            Path path = Path.of(spec.profileFile());
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw KinesisCredentialsExceptions.ex.profileFileUnreadable(spec.origin() + "profile-file",
                        spec.profileFile());
            }
            file = ProfileFile.builder().content(path).type(ProfileFile.Type.CREDENTIALS).build();
            where = spec.profileFile();
        } else {
            file = ProfileFile.defaultProfileFile();
            where = "the default profile files (~/.aws/credentials, ~/.aws/config, AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE)";
        }
        if (!file.profiles().containsKey(name)) {
            throw KinesisCredentialsExceptions.ex.profileNotFound(nameProperty, name, where,
                    String.join(", ", new TreeSet<>(file.profiles().keySet())));
        }
        ProfileFile chosen = file;
        return ProfileCredentialsProvider.builder().profileFile(chosen).profileName(name).build();
    }

    private StsAssumeRoleCredentialsProvider assumeRole(CredentialsSpec spec, String region) {
        AwsCredentialsProvider source = provider(spec.source() != null ? spec.source() : CredentialsSpec.SDK_DEFAULT,
                region);
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(spec.roleArn())
                .roleSessionName(spec.sessionName());
        if (spec.externalId() != null) {
            request.externalId(spec.externalId());
        }
        if (spec.roleSessionDuration() != null) {
            request.durationSeconds((int) spec.roleSessionDuration().toSeconds());
        }
        return StsAssumeRoleCredentialsProvider.builder().stsClient(sts(spec, region, source))
                .refreshRequest(request.build()).asyncCredentialUpdateEnabled(true).build();
    }

    private StsWebIdentityTokenFileCredentialsProvider webIdentity(CredentialsSpec spec, String region) {
        Path token = Path.of(spec.webIdentityTokenFile());
        String reason = !Files.exists(token) ? "no such file"
                : !Files.isRegularFile(token) ? "not a regular file" : !Files.isReadable(token) ? "not readable" : null;
        if (reason != null) {
            throw KinesisCredentialsExceptions.ex.tokenFileUnreadable(spec.origin() + "web-identity-token-file",
                    spec.webIdentityTokenFile(), reason);
        }
        StsWebIdentityTokenFileCredentialsProvider.Builder builder = StsWebIdentityTokenFileCredentialsProvider.builder()
                .stsClient(sts(spec, region, AnonymousCredentialsProvider.create())).roleArn(spec.roleArn())
                .roleSessionName(spec.sessionName()).webIdentityTokenFile(token);
        return builder.asyncCredentialUpdateEnabled(true).build();
    }

    private StsClient sts(CredentialsSpec spec, String region, AwsCredentialsProvider credentials) {
        StsClientBuilder builder = StsClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(credentials);
        String stsRegion = spec.stsRegion() != null ? spec.stsRegion() : region;
        if (stsRegion != null) {
            builder.region(Region.of(stsRegion));
        }
        if (spec.stsEndpointOverride() != null) {
            builder.endpointOverride(URI.create(spec.stsEndpointOverride()));
        }
        return own(spec, builder.build());
    }

    /** Closes what was built here (not the application's beans); each failure logged on one line. */
    synchronized void close() {
        for (Owned item : owned) {
            try {
                item.closeable().close();
            } catch (RuntimeException e) {
                KinesisCredentialsLogging.log.providerCloseFailed(item.spec().toString(), AwsErrors.summary(e));
                KinesisCredentialsLogging.log.providerCloseFailedTrace(e);
            }
        }
        owned.clear();
        providers.clear();
    }
}
