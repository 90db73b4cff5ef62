package io.smallrye.reactive.messaging.kinesis.incoming;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What health shows of a channel reading several streams: the {@link ReadingHealth} of each, together. Listed and
 * started once every stream is; the start problems and problems of all, each naming its stream. Channel context only.
 */
final class ReadingHealths implements ChannelStatus.Source {

    private final List<ReadingHealth> streams;

    ReadingHealths(List<ReadingHealth> streams) {
        this.streams = List.copyOf(streams);
    }

    @Override
    public boolean listed() {
        return streams.stream().allMatch(ReadingHealth::listed);
    }

    @Override
    public boolean started() {
        boolean all = true;
        for (ReadingHealth stream : streams) {
            all &= stream.started(); // asked of each: started() latches
        }
        return all;
    }

    @Override
    public String startProblem() {
        List<String> problems = streams.stream().map(ReadingHealth::startProblem).filter(Objects::nonNull).toList();
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        streams.forEach(stream -> problems.addAll(stream.problems()));
        return problems;
    }

    @Override
    public int activeReaders() {
        return streams.stream().mapToInt(ReadingHealth::activeReaders).sum();
    }
}
