package io.mailpipe.status;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What only a worker knows, from its metrics ({@code GET /observe/metrics}): the accounts it disabled (a refused login
 * disables an account in that worker only; the ledger carries a cool-down for the others). Workers that do not answer
 * are named in a note and skipped.
 */
final class WorkerMetrics {
    private static final Pattern DISABLED = Pattern.compile(
            "^mailpipe_account_health\\{[^}]*account=\"([^\"]+)\"[^}]*state=\"DISABLED\"[^}]*}\\s+1(\\.0)?\\s*$", Pattern.MULTILINE);

    final Set<String> disabled = new HashSet<>();
    final List<String> unreachable = new java.util.ArrayList<>();

    static WorkerMetrics read(List<URI> workers, Duration timeout) {
        WorkerMetrics m = new WorkerMetrics();
        if (workers.isEmpty()) {
            return m;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        for (URI worker : workers) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(worker.resolve("/observe/metrics")).timeout(timeout).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    m.unreachable.add(worker + " (HTTP " + r.statusCode() + ")");
                    continue;
                }
                Matcher matcher = DISABLED.matcher(r.body());
                while (matcher.find()) {
                    m.disabled.add(matcher.group(1));
                }
            } catch (IOException e) {
                m.unreachable.add(worker + " (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return m;
            }
        }
        return m;
    }
}
