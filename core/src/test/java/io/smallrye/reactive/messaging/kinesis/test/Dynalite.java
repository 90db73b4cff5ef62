package io.smallrye.reactive.messaging.kinesis.test;

import java.net.URI;
import java.util.List;

/**
 * dynalite, a DynamoDB emulator kept in memory, on {@link #endpoint()}. Tables are created, updated and deleted without
 * delay ({@code --createTableMs 0}...): the KCL's table waiter would otherwise poll for 20 s.
 */
public class Dynalite extends NodeEmulator {

    private int port;

    public Dynalite() {
        super("dynalite");
    }

    @Override
    protected String packageName() {
        return "dynalite";
    }

    @Override
    protected void choosePorts() {
        port = freePorts(1)[0];
    }

    @Override
    protected List<String> arguments() {
        return List.of("cli.js", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0");
    }

    @Override
    protected boolean answers() throws Exception {
        return postAwsJson(endpoint(), "dynamodb", "DynamoDB_20120810.ListTables", "application/x-amz-json-1.0", "{}")
                .statusCode() == 200;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }
}
