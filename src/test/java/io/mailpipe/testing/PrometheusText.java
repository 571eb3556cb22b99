package io.mailpipe.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the Prometheus text format into {@code name{label="value",...}} (labels sorted) to value. */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\d+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Double> samples = new TreeMap<>();

    private PrometheusText() {
    }

    public static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new TreeMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            p.samples.put(key(m.group(1), labels), Double.parseDouble(m.group(4).replace("+Inf", "Infinity")));
        }
        return p;
    }

    /** The value of the sample with exactly these labels ({@code "k1", "v1", "k2", "v2"}), or null. */
    public Double value(String name, String... labels) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            map.put(labels[i], labels[i + 1]);
        }
        return samples.get(key(name, map));
    }

    /** Every sample key, for messages. */
    public Map<String, Double> samples() {
        return samples;
    }

    private static String key(String name, Map<String, String> labels) {
        StringBuilder sb = new StringBuilder(name);
        if (!labels.isEmpty()) {
            sb.append('{');
            labels.forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
            sb.setCharAt(sb.length() - 1, '}');
        }
        return sb.toString();
    }
}
