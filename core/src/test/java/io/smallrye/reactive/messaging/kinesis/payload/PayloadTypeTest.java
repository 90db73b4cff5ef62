package io.smallrye.reactive.messaging.kinesis.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PayloadTypeTest {

    @Test
    void namesAndClassNamesOfTheBuiltInTypesMeanThoseTypes() {
        assertThat(PayloadType.parse("c", "bytes")).isEqualTo(PayloadType.BYTES);
        assertThat(PayloadType.parse("c", "byte[]")).isEqualTo(PayloadType.BYTES);
        assertThat(PayloadType.parse("c", "string")).isEqualTo(PayloadType.STRING);
        assertThat(PayloadType.parse("c", "java.lang.String")).isEqualTo(PayloadType.STRING);
        assertThat(PayloadType.parse("c", " json-object ")).isEqualTo(PayloadType.JSON_OBJECT);
        assertThat(PayloadType.parse("c", "io.vertx.core.json.JsonArray")).isEqualTo(PayloadType.JSON_ARRAY);
    }

    @Test
    void anyOtherClassNameIsReadWithJackson() {
        PayloadType type = PayloadType.parse("c", "com.example.Order$Line");
        assertThat(type.kind()).isEqualTo(PayloadType.Kind.JSON_CLASS);
        assertThat(type.className()).isEqualTo("com.example.Order$Line");
        assertThat(type).hasToString("com.example.Order$Line");
    }

    @Test
    void somethingElseIsRejectedNamingTheChannelAndTheAllowedValues() {
        assertThatThrownBy(() -> PayloadType.parse("orders-in", "json object"))
                .hasMessageContaining("orders-in").hasMessageContaining("payload-type")
                .hasMessageContaining("json object").hasMessageContaining("bytes, string, json-object, json-array");
        assertThatThrownBy(() -> PayloadType.parse("orders-in", "")).hasMessageContaining("payload-type");
        assertThatThrownBy(() -> PayloadType.parse("orders-in", "com..Order")).hasMessageContaining("com..Order");
    }

    @Test
    void vertxJsonThatIsNotOfTheChannelsKindIsRefused() throws Exception {
        PayloadCodecs codecs = new PayloadCodecs(null);
        assertThat(codecs.decoder("c", PayloadType.JSON_OBJECT).decode("{\"a\":1}".getBytes()))
                .hasToString("{\"a\":1}");
        assertThatThrownBy(() -> codecs.decoder("c", PayloadType.JSON_OBJECT).decode("[1]".getBytes()));
        assertThatThrownBy(() -> codecs.decoder("c", PayloadType.JSON_OBJECT).decode("null".getBytes()));
        assertThatThrownBy(() -> codecs.decoder("c", PayloadType.JSON_ARRAY).decode("{}".getBytes()));
    }
}
