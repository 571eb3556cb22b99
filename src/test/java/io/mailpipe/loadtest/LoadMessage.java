package io.mailpipe.loadtest;

/**
 * The one message of a load run, the same for mailpipe and the Jakarta Mail baselines: From, one To, a subject and a
 * plain-text body of exactly {@code bodyBytes} ASCII bytes in lines of at most 72 characters (7bit, no encoding needed).
 * Free of Jackson and Kafka: the Jakarta Mail baselines load it with only Jakarta Mail on their class path.
 */
record LoadMessage(String from, String to, String subject, String body) {
    static final String FROM = "Load Test <load@load.example>";
    static final String TO = "sink@load.example";
    private static final String[] WORDS = {"mail", "pipe", "kafka", "queue", "send", "outcome", "sink", "throughput",
            "latency", "session", "pooled", "message", "account", "quota", "lease", "partition"};

    static LoadMessage ofBodySize(int bodyBytes) {
        return new LoadMessage(FROM, TO, "load test", body(bodyBytes));
    }

    /** Words separated by spaces, CRLF-free lines ending in "\n" every 72 characters or so; exactly {@code bytes} long. */
    static String body(int bytes) {
        StringBuilder sb = new StringBuilder(bytes + 16);
        int lineLength = 0;
        int i = 0;
        while (sb.length() < bytes) {
            String word = WORDS[i++ % WORDS.length];
            if (lineLength + word.length() + 1 > 72) {
                sb.append('\n');
                lineLength = 0;
            } else if (lineLength > 0) {
                sb.append(' ');
                lineLength++;
            }
            sb.append(word);
            lineLength += word.length();
        }
        sb.setLength(bytes);
        return sb.toString();
    }
}
