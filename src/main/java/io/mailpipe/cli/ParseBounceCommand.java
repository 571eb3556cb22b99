package io.mailpipe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailpipe.bounce.BounceJson;
import io.mailpipe.bounce.BounceParser;
import io.mailpipe.bounce.BounceRecord;
import io.mailpipe.bounce.ParseResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mailpipe parse-bounce FILE...}: parses bounce messages (raw RFC 5322 files, mbox files)
 * and prints one JSON line per reported recipient ({@link BounceJson}, after a {@code file} field);
 * {@code {"file": ..., "kind": "none"}} for a message that is no report; a line with an
 * {@code error} field for a file that cannot be read or holds no message. Never stops at a bad
 * file. Exit code 0, or 1 when a file does not exist.
 */
@Command(name = "parse-bounce", mixinStandardHelpOptions = true, description = {
        "Parse bounce messages (non-delivery reports, delay notices, complaints, auto-replies) and print one JSON line per reported recipient.",
        "A file that is no report prints {\"file\":...,\"kind\":\"none\"}; an unreadable one a line with an \"error\" field."})
final class ParseBounceCommand implements Callable<Integer> {
    /** Exit code when a named file does not exist (its error line is printed all the same). */
    static final int EXIT_MISSING_FILE = 1;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Message files (.eml, mbox).")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Accepted like everywhere; parsing bounces reads no configuration. */
    @CommandLine.Mixin
    GlobalOptions global;

    private final ObjectMapper json = new ObjectMapper();
    private final BounceParser parser = new BounceParser();

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        int exit = 0;
        for (Path file : files) {
            String name = file.toString();
            byte[] raw;
            try {
                if (Files.isDirectory(file)) {
                    out.println(error(name, "is a directory, not a message file"));
                    continue;
                }
                raw = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                out.println(error(name, "file not found"));
                exit = EXIT_MISSING_FILE;
                continue;
            } catch (IOException | SecurityException e) {
                out.println(error(name, "not readable: " + e.getClass().getSimpleName()));
                continue;
            }
            ParseResult result;
            try {
                result = parser.parse(raw);
            } catch (RuntimeException e) {
                // the parser keeps problems as data; this is a bug, reported per file, never a stop
                out.println(error(name, "parser failed: " + e.getClass().getSimpleName()));
                continue;
            }
            if (result.records().isEmpty()) {
                if (raw.length == 0 || result.problems().contains("empty input")) {
                    out.println(error(name, "no message in the file (empty)"));
                } else {
                    ObjectNode n = json.createObjectNode();
                    n.put("file", name);
                    n.put("kind", BounceJson.KIND_NONE);
                    out.println(json.writeValueAsString(n));
                }
                continue;
            }
            for (BounceRecord r : result.records()) {
                ObjectNode n = json.createObjectNode();
                n.put("file", name);
                out.println(json.writeValueAsString(BounceJson.write(n, r)));
            }
        }
        out.flush();
        return exit;
    }

    private String error(String file, String message) throws JsonProcessingException {
        ObjectNode n = json.createObjectNode();
        n.put("file", file);
        n.put("error", message);
        return json.writeValueAsString(n);
    }
}
