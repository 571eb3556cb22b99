package io.mailpipe.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka's range assignment, with the members ordered by the worker they belong to, so that two consumer groups of the
 * same workers ({@code mail.requests}' and {@code mail.retry}'s) give each worker the same partition numbers of
 * equally partitioned topics. The delivery ledger restores the state of the partitions a worker consumes
 * ({@code ledger.OutcomeState}); with Kafka's own range assignor the two groups order their members by random member
 * ids, so a worker would hold requests partitions 0-1 and retry partitions 2-3 and restore the state of all four.
 *
 * <p>Each member sends its worker's id ({@value #WORKER_CONFIG}, set by {@link ResumeSafeClientFactory}) as
 * subscription user data; each topic's partitions are split into contiguous ranges over the workers in the order of
 * their ids, then each worker's range over its members, as Kafka's {@code RangeAssignor} splits over members. Eager
 * protocol, like the range assignor.
 */
public final class WorkerAlignedAssignor implements ConsumerPartitionAssignor, Configurable {

    /** Consumer property naming the worker a consumer belongs to (any string; the same for all of a worker's consumers). */
    public static final String WORKER_CONFIG = "mailpipe.assignor.worker";
    public static final String NAME = "mailpipe-worker-range";

    private String worker = "";

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(WORKER_CONFIG);
        worker = value == null ? "" : value.toString();
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return ByteBuffer.wrap(worker.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> subscriptions = groupSubscription.groupSubscription();
        Map<String, Integer> partitionsPerTopic = new HashMap<>();
        for (Subscription s : subscriptions.values()) {
            for (String topic : s.topics()) {
                Integer n = metadata.partitionCountForTopic(topic);
                if (n != null) {
                    partitionsPerTopic.put(topic, n);
                }
            }
        }
        Map<String, List<TopicPartition>> assigned = assign(partitionsPerTopic, members(subscriptions));
        Map<String, Assignment> result = new HashMap<>();
        assigned.forEach((member, partitions) -> result.put(member, new Assignment(partitions)));
        return new GroupAssignment(result);
    }

    /** A member of the group: its member id, its worker, the topics it subscribes to. */
    record Member(String memberId, String worker, List<String> topics) {
    }

    static List<Member> members(Map<String, Subscription> subscriptions) {
        List<Member> members = new ArrayList<>();
        subscriptions.forEach((id, s) -> {
            ByteBuffer data = s.userData();
            String worker = "";
            if (data != null) {
                byte[] bytes = new byte[data.remaining()];
                data.duplicate().get(bytes);
                worker = new String(bytes, StandardCharsets.UTF_8);
            }
            members.add(new Member(id, worker, s.topics()));
        });
        return members;
    }

    /**
     * The pure part, per topic: the partitions split into contiguous ranges over the workers subscribed to it (sorted by
     * worker id, the first {@code partitions % workers} taking one more), then each worker's range over its members
     * (sorted by member id) alike. The split by worker comes first so that a worker gets the same numbers in two groups
     * whatever number of consumers it runs in each ({@code kafka.consumers} for requests, one for retries).
     */
    static Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, List<Member> members) {
        Map<String, List<TopicPartition>> result = new HashMap<>();
        members.forEach(m -> result.put(m.memberId(), new ArrayList<>()));
        partitionsPerTopic.forEach((topic, count) -> {
            java.util.SortedMap<String, List<Member>> byWorker = new java.util.TreeMap<>();
            members.stream().filter(m -> m.topics().contains(topic)).sorted(Comparator.comparing(Member::memberId))
                    .forEach(m -> byWorker.computeIfAbsent(m.worker(), k -> new ArrayList<>()).add(m));
            List<int[]> workerRanges = ranges(0, count, byWorker.size());
            int w = 0;
            for (List<Member> workerMembers : byWorker.values()) {
                int[] range = workerRanges.get(w++);
                List<int[]> memberRanges = ranges(range[0], range[1], workerMembers.size());
                for (int i = 0; i < workerMembers.size(); i++) {
                    for (int p = memberRanges.get(i)[0]; p < memberRanges.get(i)[1]; p++) {
                        result.get(workerMembers.get(i).memberId()).add(new TopicPartition(topic, p));
                    }
                }
            }
        });
        return result;
    }

    /** [from, to) split into {@code parts} contiguous ranges, the first ones one longer when it does not divide evenly. */
    private static List<int[]> ranges(int from, int to, int parts) {
        List<int[]> result = new ArrayList<>(parts);
        int count = to - from;
        int per = parts == 0 ? 0 : count / parts;
        int extra = parts == 0 ? 0 : count % parts;
        int next = from;
        for (int i = 0; i < parts; i++) {
            int take = per + (i < extra ? 1 : 0);
            result.add(new int[] {next, next + take});
            next += take;
        }
        return result;
    }

    @Override
    public String name() {
        return NAME;
    }
}
