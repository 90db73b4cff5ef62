package io.quarkiverse.messaging.kinesis.deployment.devservices;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;

import io.vertx.ext.web.Router;

/**
 * Tells over HTTP which Kinesis endpoint the running application was given ({@code GET /kinesis-endpoint}); the
 * request is also what makes dev mode scan for changed files and reload.
 */
@ApplicationScoped
public class EndpointReportingApp {

    static final String PATH = "/kinesis-endpoint";

    void routes(@Observes Router router) {
        router.get(PATH).handler(context -> context.response().end(ConfigProvider.getConfig()
                .getValue(KinesisDevServicesProcessor.ENDPOINT, String.class)));
    }
}
