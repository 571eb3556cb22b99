package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared bounce corpus (Sisimai's set-of-emails, read in place from the system property
 * {@code mailpipe.bouncesDir}, else {@code ../shared/bounces}) parsed once: the lines of expected.jsonl and the
 * parser's answers per file, as {@link CorpusScore} reads them.
 *
 * @param dir      the corpus folder
 * @param expected the lines of expected.jsonl, in order
 * @param answers  file to its answers ({@link CorpusScore.Answer#none()} for a file without records); a file the
 *                 parser threw on is missing
 * @param crashes  the files the parser threw on, with the exception class
 */
record Corpus(Path dir, List<JsonNode> expected, Map<String, List<CorpusScore.Answer>> answers, List<String> crashes) {

    static Path defaultDir() {
        return Path.of(System.getProperty("mailpipe.bouncesDir", "../shared/bounces"));
    }

    static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve("expected.jsonl"));
    }

    /** Reads expected.jsonl and parses every file it names with {@code parser}. */
    static Corpus parse(Path dir, BounceParser parser) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> expected = new ArrayList<>();
        Map<String, List<CorpusScore.Answer>> answers = new LinkedHashMap<>();
        List<String> crashes = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("expected.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode e = json.readTree(line);
            expected.add(e);
            String file = e.path("file").asText();
            try {
                ParseResult result = parser.parse(Files.readAllBytes(dir.resolve(file)));
                List<CorpusScore.Answer> list = new ArrayList<>();
                result.records().forEach(r -> list.add(CorpusScore.Answer.of(r)));
                if (list.isEmpty()) {
                    list.add(CorpusScore.Answer.none());
                }
                answers.put(file, list);
            } catch (RuntimeException | Error e2) {
                crashes.add(file + ": " + e2.getClass().getName()); // not answered: counts against "answered"
            }
        }
        return new Corpus(dir, List.copyOf(expected), answers, List.copyOf(crashes));
    }

    /** The files of expected.jsonl, in order. */
    List<String> files() {
        return expected.stream().map(e -> e.path("file").asText()).toList();
    }
}
