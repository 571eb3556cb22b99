package io.mailpipe.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class WorkerAlignedAssignorTest {

    private static WorkerAlignedAssignor.Member member(String worker, String topic) {
        return new WorkerAlignedAssignor.Member(topic + "-" + UUID.randomUUID(), worker, List.of(topic));
    }

    private static Map<String, Set<Integer>> byWorker(List<WorkerAlignedAssignor.Member> members,
                                                      Map<String, List<TopicPartition>> assignment) {
        Map<String, Set<Integer>> result = new java.util.TreeMap<>();
        for (WorkerAlignedAssignor.Member m : members) {
            for (TopicPartition tp : assignment.get(m.memberId())) {
                result.computeIfAbsent(m.worker(), k -> new HashSet<>()).add(tp.partition());
            }
        }
        return result;
    }

    @Test
    void twoGroupsOfTheSameWorkersGiveEachWorkerTheSamePartitionNumbers() {
        List<String> workers = new ArrayList<>(List.of("w-a", "w-b", "w-c"));
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(workers);
            List<WorkerAlignedAssignor.Member> requests = new ArrayList<>();
            List<WorkerAlignedAssignor.Member> retry = new ArrayList<>();
            for (String w : workers) {
                requests.add(member(w, "requests"));
                requests.add(member(w, "requests")); // kafka.consumers: 2 per worker
                retry.add(member(w, "retry"));
            }
            var a = byWorker(requests, WorkerAlignedAssignor.assign(Map.of("requests", 8), requests));
            var b = byWorker(retry, WorkerAlignedAssignor.assign(Map.of("retry", 8), retry));
            assertThat(a).isEqualTo(b);
            assertThat(a.values().stream().mapToInt(Set::size).sum()).isEqualTo(8);
            assertThat(a.values()).allMatch(s -> s.size() == 2 || s.size() == 3);
        }
    }

    @Test
    void everyPartitionOnceAndOnlyToSubscribers() {
        List<WorkerAlignedAssignor.Member> members = List.of(member("w1", "t"), member("w2", "t"), member("w3", "other"));
        var assignment = WorkerAlignedAssignor.assign(Map.of("t", 5, "other", 2), members);
        List<TopicPartition> all = assignment.values().stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(7).doesNotHaveDuplicates();
        assertThat(assignment.get(members.get(2).memberId())).extracting(TopicPartition::topic).containsOnly("other");
        assertThat(assignment.get(members.get(0).memberId())).hasSize(3); // w1 sorts first: the extra partition
    }

    @Test
    void workerTravelsAsSubscriptionUserData() {
        WorkerAlignedAssignor assignor = new WorkerAlignedAssignor();
        assignor.configure(Map.of(WorkerAlignedAssignor.WORKER_CONFIG, "pod-7"));
        ByteBuffer data = assignor.subscriptionUserData(Set.of("t"));
        var members = WorkerAlignedAssignor.members(Map.of("m1", new Subscription(List.of("t"), data)));
        assertThat(members.get(0).worker()).isEqualTo("pod-7");
        assertThat(StandardCharsets.UTF_8.decode(data.duplicate()).toString()).isEqualTo("pod-7");
    }
}
