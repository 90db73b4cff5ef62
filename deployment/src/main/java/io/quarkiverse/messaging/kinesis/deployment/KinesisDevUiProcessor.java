package io.quarkiverse.messaging.kinesis.deployment;

import io.quarkiverse.messaging.kinesis.runtime.devui.KinesisDevUiService;
import io.quarkus.deployment.IsLocalDevelopment;
import io.quarkus.deployment.annotations.BuildStep;
import io.quarkus.devui.spi.JsonRPCProvidersBuildItem;
import io.quarkus.devui.spi.page.CardPageBuildItem;
import io.quarkus.devui.spi.page.Page;

/**
 * The extension's Dev UI card (dev mode only): Streams, Consumers and Records pages, web components under
 * {@code dev-ui/}, backed by the runtime's {@link KinesisDevUiService}.
 */
class KinesisDevUiProcessor {

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    CardPageBuildItem card() {
        CardPageBuildItem card = new CardPageBuildItem();
        card.addPage(Page.webComponentPageBuilder()
                .title("Streams")
                .componentLink("qwc-kinesis-streams.js")
                .icon("font-awesome-solid:water"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Consumers")
                .componentLink("qwc-kinesis-consumers.js")
                .icon("font-awesome-solid:right-to-bracket"));
        card.addPage(Page.webComponentPageBuilder()
                .title("Records")
                .componentLink("qwc-kinesis-records.js")
                .icon("font-awesome-solid:envelope-open-text"));
        return card;
    }

    @BuildStep(onlyIf = IsLocalDevelopment.class)
    JsonRPCProvidersBuildItem jsonRpcService() {
        return new JsonRPCProvidersBuildItem(KinesisDevUiService.class);
    }
}
