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
 * corpus folder for the list of files. Prints the total time, the slowest file and how many reports
 * quote the original message (headers, Message-ID, Return-Path) to stderr.
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
        int reports = 0;
        int withMessageId = 0;
        int withHeaders = 0;
        int withReturnPath = 0;
        int withReportRecipients = 0;
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
                if (!result.records().isEmpty()) {
                    reports++;
                    BounceRecord first = result.records().get(0);
                    withMessageId += first.originalMessageId() != null ? 1 : 0;
                    withHeaders += first.originalHeadersQuoted() ? 1 : 0;
                    withReturnPath += first.originalReturnPath() != null ? 1 : 0;
                    withReportRecipients += first.reportRecipients().isEmpty() ? 0 : 1;
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
        System.err.printf("parsed %d files in %d ms (slowest %s: %.1f ms); %d files with problems%n",
                files.size(), total / 1_000_000, slowestFile, slowest / 1e6, problemsFiles);
        System.err.printf("correlation, of %d reports: original headers quoted %s, original Message-ID %s,"
                        + " original Return-Path %s, report delivered-to addresses %s%n",
                reports, share(withHeaders, reports), share(withMessageId, reports), share(withReturnPath, reports),
                share(withReportRecipients, reports));
    }

    private static String share(int n, int of) {
        return String.format(java.util.Locale.ROOT, "%d (%.1f%%)", n, of == 0 ? 0.0 : 100.0 * n / of);
    }

    /**
     * The record as {@link BounceJson} writes it, after {@code file}, plus what score.py reads in
     * snake case: a synthetic {@code status} where the report has none, {@code replycode},
     * {@code message_id}.
     */
    static ObjectNode toJson(ObjectMapper json, String file, BounceRecord r) {
        ObjectNode n = json.createObjectNode();
        n.put("file", file);
        BounceJson.write(n, r);
        if (r.status() == null) {
            n.put("status", syntheticStatus(r));
        }
        n.put("replycode", r.replyCode());
        n.put("message_id", r.originalMessageId());
        return n;
    }

    /** Like Sisimai: no code in the report gives "class.0.0" from the reply code or the kind. */
    static String syntheticStatus(BounceRecord r) {
        if (r.kind() != Kind.BOUNCE && r.kind() != Kind.DELAY) {
            return null;
        }
        String cls = r.replyCode() != null ? r.replyCode().substring(0, 1) : r.kind() == Kind.DELAY ? "4" : "5";
        return cls + ".0.0";
    }
}
