package io.smallrye.reactive.messaging.kinesis;

import org.junit.jupiter.api.BeforeEach;

import io.smallrye.reactive.messaging.kinesis.test.ClientBean;

/** A Weld container whose channels talk to a fresh {@link ScriptedKinesis} (through {@link ClientBean}). */
abstract class ScriptedKinesisTestBase extends WeldTestBase {

    ScriptedKinesis kinesis;

    @BeforeEach
    void useScriptedKinesis() {
        kinesis = new ScriptedKinesis();
        ClientBean.use(kinesis);
        addBeans(ClientBean.class);
    }
}
