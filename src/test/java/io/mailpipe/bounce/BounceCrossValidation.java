package io.mailpipe.bounce;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cross-validation of the bounce parser on the shared corpus: the corpus split into {@value CorpusFolds#FOLDS}
 * folds by file ({@link CorpusFolds}, twins in one fold), score.py's measures ({@link CorpusScore}) per fold, their
 * mean, and the whole corpus. Misses are printed only for the folds named with {@code --misses}, so a rule can be
 * changed looking at four folds while the fifth stays unseen (docs/bounce-parser.md, "Honest evaluation").
 *
 * <pre>
 * mvn -q -DskipTests test-compile exec:exec@bounce-cv -Dcv.args="--misses 1,2,3,4"
 * </pre>
 *
 * <p>Arguments: {@code [--corpus DIR] [--misses 1,2,3,4]}; the corpus defaults to {@code mailpipe.bouncesDir}, else
 * {@code ../shared/bounces}.
 */
public final class BounceCrossValidation {
    /** score.py's measures: label, the counter of hits, the counter of cases. */
    private static final String[][] MEASURES = {
            {"recipients", "rcpt_found", "rcpts"}, {"status", "status_ok", "status_n"}, {"reason", "reason_ok", "reason_n"},
            {"hard/soft", "hard_ok", "hard_n"}, {"kind", "report_kind_ok", "report_files"}};

    private BounceCrossValidation() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Corpus.defaultDir();
        Set<Integer> shown = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--corpus" -> dir = Path.of(args[++i]);
                case "--misses" -> {
                    for (String f : args[++i].split(",")) {
                        shown.add(Integer.parseInt(f.strip()));
                    }
                }
                default -> {
                    System.err.println("usage: BounceCrossValidation [--corpus DIR] [--misses 1,2,3,4]");
                    System.exit(2);
                }
            }
        }
        if (!Corpus.present(dir)) {
            System.err.println("bounce corpus not found at " + dir.toAbsolutePath().normalize() + " (--corpus DIR)");
            System.exit(2);
        }
        Corpus corpus = Corpus.parse(dir, new BounceParser());
        print(corpus, shown, System.out);
    }

    /** The table (per fold, mean of the folds, whole corpus) and the misses of the {@code shown} folds. */
    static void print(Corpus corpus, Set<Integer> shown, PrintStream out) {
        CorpusFolds folds = new CorpusFolds(corpus.files());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-12s %5s", "fold", "files"));
        for (String[] m : MEASURES) {
            head.append(String.format(Locale.ROOT, " %15s", m[0]));
        }
        out.println(head);
        double[] sums = new double[MEASURES.length];
        List<String> misses = new ArrayList<>();
        for (int k = 1; k <= CorpusFolds.FOLDS; k++) {
            int fold = k;
            List<JsonNode> part = corpus.expected().stream()
                    .filter(e -> folds.foldOf(e.path("file").asText()) == fold).toList();
            CorpusScore s = CorpusScore.score(part, corpus.answers(), false);
            out.println(row("fold " + k, part.size(), s, sums));
            if (shown.contains(k)) {
                s.misses.forEach(m -> misses.add("fold " + fold + ": " + m));
            }
        }
        StringBuilder mean = new StringBuilder(String.format(Locale.ROOT, "%-12s %5s", "fold mean", ""));
        for (double sum : sums) {
            mean.append(String.format(Locale.ROOT, " %15.1f", sum / CorpusFolds.FOLDS));
        }
        out.println(mean);
        out.println(row("all", corpus.expected().size(), CorpusScore.score(corpus.expected(), corpus.answers(), false), null));
        if (!corpus.crashes().isEmpty()) {
            out.println("parser crashed on: " + corpus.crashes());
        }
        misses.forEach(m -> out.println("miss " + m));
    }

    private static String row(String label, int files, CorpusScore s, double[] sums) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-12s %5d", label, files));
        for (int i = 0; i < MEASURES.length; i++) {
            double pct = s.pct(MEASURES[i][1], MEASURES[i][2]);
            if (sums != null) {
                sums[i] += pct;
            }
            sb.append(String.format(Locale.ROOT, " %4d/%-4d %5.1f", s.count(MEASURES[i][1]), s.count(MEASURES[i][2]), pct));
        }
        return sb.toString();
    }
}
