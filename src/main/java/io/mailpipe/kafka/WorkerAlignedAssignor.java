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
 * subscription user data; members are sorted by (worker id, member id), and each topic's partitions are split into
 * contiguous ranges in that order, the first {@code partitions % members} members taking one more, as Kafka's
 * {@code RangeAssignor} does. Eager protocol, like the range assignor.
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

    /** The pure part: range split per topic over the members subscribed to it, ordered by (worker, member id). */
    static Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic, List<Member> members) {
        Map<String, List<TopicPartition>> result = new HashMap<>();
        members.forEach(m -> result.put(m.memberId(), new ArrayList<>()));
        Comparator<Member> order = Comparator.comparing(Member::worker).thenComparing(Member::memberId);
        partitionsPerTopic.forEach((topic, count) -> {
            List<Member> subscribed = members.stream().filter(m -> m.topics().contains(topic)).sorted(order).toList();
            if (subscribed.isEmpty()) {
                return;
            }
            int per = count / subscribed.size();
            int extra = count % subscribed.size();
            int next = 0;
            for (int i = 0; i < subscribed.size(); i++) {
                int take = per + (i < extra ? 1 : 0);
                for (int p = next; p < next + take; p++) {
                    result.get(subscribed.get(i).memberId()).add(new TopicPartition(topic, p));
                }
                next += take;
            }
        });
        return result;
    }

    @Override
    public String name() {
        return NAME;
    }
}
