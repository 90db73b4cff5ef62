package io.smallrye.reactive.messaging.kinesis;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/**
 * Several scripted streams behind one client, for channels reading {@code streams}: each stream is a
 * {@link ScriptedKinesis} of its own (its shards, faults and {@code streamMissing} flag), and each call goes to the
 * stream it names (its name or ARN; ListShards pages and shard iterators carry the stream, prefixed
 * {@code stream|}). A stream not scripted answers ResourceNotFoundException.
 */
public class ScriptedStreams implements KinesisAsyncClient {

    private static final String SEPARATOR = "|";

    private final Map<String, ScriptedKinesis> streams = new ConcurrentHashMap<>();

    public ScriptedKinesis stream(String name) {
        return streams.computeIfAbsent(name, ignored -> new ScriptedKinesis());
    }

    private static String nameOf(String name, String arn) {
        return name != null ? name : arn.substring(arn.lastIndexOf('/') + 1);
    }

    private ScriptedKinesis route(String stream) {
        ScriptedKinesis scripted = streams.get(stream);
        if (scripted == null) {
            throw ResourceNotFoundException.builder()
                    .message("Stream " + stream + " under account 000000000000 not found.").build();
        }
        return scripted;
    }

    private static <T> CompletableFuture<T> failed(RuntimeException failure) {
        return CompletableFuture.failedFuture(failure);
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest request) {
        try {
            return route(nameOf(request.streamName(), request.streamARN())).describeStreamSummary(request);
        } catch (ResourceNotFoundException unknown) {
            return failed(unknown);
        }
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        String stream;
        ListShardsRequest routed = request;
        if (request.nextToken() != null) {
            stream = request.nextToken().substring(0, request.nextToken().indexOf(SEPARATOR));
            routed = request.toBuilder()
                    .nextToken(request.nextToken().substring(stream.length() + SEPARATOR.length())).build();
        } else {
            stream = nameOf(request.streamName(), request.streamARN());
        }
        try {
            return route(stream).listShards(routed).thenApply(answer -> answer.nextToken() == null ? answer
                    : answer.toBuilder().nextToken(stream + SEPARATOR + answer.nextToken()).build());
        } catch (ResourceNotFoundException unknown) {
            return failed(unknown);
        }
    }

    @Override
    public CompletableFuture<GetShardIteratorResponse> getShardIterator(GetShardIteratorRequest request) {
        String stream = nameOf(request.streamName(), request.streamARN());
        try {
            return route(stream).getShardIterator(request).thenApply(answer -> answer.toBuilder()
                    .shardIterator(stream + SEPARATOR + answer.shardIterator()).build());
        } catch (ResourceNotFoundException unknown) {
            return failed(unknown);
        }
    }

    @Override
    public CompletableFuture<GetRecordsResponse> getRecords(GetRecordsRequest request) {
        String iterator = request.shardIterator();
        String stream = iterator.substring(0, iterator.indexOf(SEPARATOR));
        GetRecordsRequest routed = request.toBuilder()
                .shardIterator(iterator.substring(stream.length() + SEPARATOR.length())).build();
        return route(stream).getRecords(routed).thenApply(answer -> answer.nextShardIterator() == null ? answer
                : answer.toBuilder().nextShardIterator(stream + SEPARATOR + answer.nextShardIterator()).build());
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
