package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the parser over a bounce corpus and writes the JSON-lines file the corpus' score.py reads:
 * one line per record, or one {@code "kind": "none"} line for a file without records.
 *
 * <p>usage: {@code BounceScoreMain <corpusDir> <out.jsonl>}; reads {@code expected.jsonl} in the
 * corpus folder for the list of files. Prints the total time, the slowest file and how many files
 * yielded the original message's Message-ID to stderr.
 */
public final class BounceScoreMain {
    private BounceScoreMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: BounceScoreMain <corpusDir> <out.jsonl>  (corpusDir holds expected.jsonl)");
            System.exit(2);
        }
        Path corpus = Path.of(args[0]);
        Path out = Path.of(args[1]);
        ObjectMapper json = new ObjectMapper();
        List<String> files = new ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode n = json.readTree(line);
                files.add(n.get("file").asText());
            }
        }
        BounceParser parser = new BounceParser();
        long total = 0;
        long slowest = -1;
        String slowestFile = null;
        int problemsFiles = 0;
        int withMessageId = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (String file : files) {
                byte[] raw = Files.readAllBytes(corpus.resolve(file));
                long t0 = System.nanoTime();
                ParseResult result = parser.parse(raw);
                long dt = System.nanoTime() - t0;
                total += dt;
                if (dt > slowest) {
                    slowest = dt;
                    slowestFile = file;
                }
                if (!result.problems().isEmpty()) {
                    problemsFiles++;
                }
                if (result.records().stream().anyMatch(r -> r.originalMessageId() != null)) {
                    withMessageId++;
                }
                if (result.records().isEmpty()) {
                    ObjectNode n = json.createObjectNode();
                    n.put("file", file);
                    n.put("kind", "none");
                    w.write(json.writeValueAsString(n));
                    w.newLine();
                }
                for (BounceRecord r : result.records()) {
                    w.write(json.writeValueAsString(toJson(json, file, r)));
                    w.newLine();
                }
            }
        }
        System.err.printf("parsed %d files in %d ms (slowest %s: %.1f ms); %d files with problems;"
                        + " %d files (%.1f%%) with an originalMessageId%n",
                files.size(), total / 1_000_000, slowestFile, slowest / 1e6, problemsFiles,
                withMessageId, files.isEmpty() ? 0.0 : 100.0 * withMessageId / files.size());
    }

    static ObjectNode toJson(ObjectMapper json, String file, BounceRecord r) {
        ObjectNode n = json.createObjectNode();
        n.put("file", file);
        n.put("kind", r.kind().jsonName());
        n.put("recipient", r.recipient());
        n.put("status", r.status() != null ? r.status() : syntheticStatus(r));
        n.put("replycode", r.replyCode());
        n.put("action", r.action());
        n.put("reason", r.reason().jsonName());
        n.put("hard", r.hard());
        n.put("diagnostic", r.diagnostic());
        n.put("message_id", r.originalMessageId());
        n.put("request_id", r.requestId());
        n.put("feedback_type", r.feedbackType());
        n.put("reporting_mta", r.reportingMta());
        n.put("remote_mta", r.remoteMta());
        n.put("detector", r.detector());
        return n;
    }

    /** Like Sisimai: no code in the report gives "class.0.0" from the reply code or the kind. */
    private static String syntheticStatus(BounceRecord r) {
        if (r.kind() != Kind.BOUNCE && r.kind() != Kind.DELAY) {
            return null;
        }
        String cls = r.replyCode() != null ? r.replyCode().substring(0, 1) : r.kind() == Kind.DELAY ? "4" : "5";
        return cls + ".0.0";
    }
}
