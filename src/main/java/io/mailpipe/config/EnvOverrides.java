package io.mailpipe.config;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Environment overrides of single configuration keys, for deployments that set environment variables rather than
 * edit the file: {@code MAILPIPE_} followed by the key's path in upper case, with an underscore between levels and
 * before each inner capital letter. Examples: {@code MAILPIPE_KAFKA_GROUP_ID} for {@code kafka.groupId},
 * {@code MAILPIPE_RETRY_MAX_ATTEMPTS}, {@code MAILPIPE_ACCOUNTS_0_LIMITS_PER_HOUR} for the first account's
 * {@code limits.perHour}. An override wins over the file. Accounts are addressed by their index in the file and
 * must exist there. A {@code MAILPIPE_} variable that names no key is an error, like an unknown key in the file
 * ({@link #unknown}), except mailpipe's other variables ({@link #OTHER_VARIABLES}) and the ones Kubernetes sets for a
 * service whose name starts with mailpipe ({@code MAILPIPE_PORT}, {@code MAILPIPE_SERVICE_HOST}, ...).
 */
final class EnvOverrides {
    static final String PREFIX = "MAILPIPE_";

    /** mailpipe's variables that are not configuration overrides (logging, the launcher, the local broker's jars). */
    static final java.util.Set<String> OTHER_VARIABLES = java.util.Set.of("MAILPIPE_LOG_FORMAT", "MAILPIPE_LOG_LEVEL",
            "MAILPIPE_LOG_LIBRARY_LEVEL", "MAILPIPE_JAVA_OPTS", io.mailpipe.kafka.LocalKafkaBroker.BROKER_LIB_ENV);

    /** What Kubernetes sets for a Service named mailpipe or mailpipe-something: MAILPIPE_PORT_8081_TCP_ADDR and the like. */
    private static final java.util.regex.Pattern KUBERNETES_SERVICE = java.util.regex.Pattern.compile(
            "MAILPIPE(_[A-Z0-9_]+?)?_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_(PROTO|PORT|ADDR))?)?)");

    private EnvOverrides() {
    }

    /** Applies every override found in {@code env} to the configuration tree. */
    static void apply(ObjectNode root, Function<String, String> env) {
        walk(MailpipeConfig.FileShape.class, root, PREFIX, env);
    }

    /**
     * The first {@code MAILPIPE_} variable of {@code env} that names no key, with a suggestion, or null.
     *
     * @param consulted the variables {@link #apply} looked up (every key of this file's shape)
     */
    static String unknown(java.util.Map<String, String> env, java.util.Set<String> consulted) {
        for (String name : new java.util.TreeSet<>(env.keySet())) {
            if (!name.startsWith(PREFIX) || consulted.contains(name) || OTHER_VARIABLES.contains(name)
                    || KUBERNETES_SERVICE.matcher(name).matches()) {
                continue;
            }
            String closest = null;
            int best = 4;
            for (String known : consulted) {
                int d = distance(name, known);
                if (d < best) {
                    best = d;
                    closest = known;
                }
            }
            return "environment variable " + name + " names no configuration key"
                    + (closest != null ? " (did you mean " + closest + "?)" : "")
                    + "; like unknown keys in the file, it is an error (lists are addressed by index: "
                    + "MAILPIPE_ACCOUNTS_0_LIMITS_PER_HOUR, for accounts in the file)";
        }
        return null;
    }

    /** Levenshtein distance (short strings only). */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The names of every variable that overrides a key, given how many accounts the file has (for documentation and tests). */
    static List<String> names(int accounts) {
        List<String> names = new ArrayList<>();
        collect(MailpipeConfig.FileShape.class, PREFIX, accounts, names);
        return names;
    }

    private static void walk(Class<?> type, ObjectNode node, String prefix, Function<String, String> env) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + envName(c.getName());
            Class<?> t = c.getType();
            if (t.isRecord()) {
                JsonNode child = node.get(c.getName());
                ObjectNode object = child instanceof ObjectNode o ? o : null;
                ObjectNode target = object != null ? object : node.objectNode();
                walk(t, target, name + "_", env);
                if (object == null && !target.isEmpty()) {
                    node.set(c.getName(), target);
                }
            } else if (List.class.isAssignableFrom(t)) {
                Class<?> element = elementType(c.getGenericType());
                JsonNode child = node.get(c.getName());
                if (element != null && element.isRecord() && child instanceof ArrayNode array) {
                    for (int i = 0; i < array.size(); i++) {
                        if (array.get(i) instanceof ObjectNode item) {
                            walk(element, item, name + "_" + i + "_", env);
                        }
                    }
                }
            } else if (type == KafkaSettings.class && c.getName().equals("properties")) {
                // kafka.properties: one variable per known client setting, MAILPIPE_KAFKA_PROPERTIES_SASL_JAAS_CONFIG
                for (String key : io.mailpipe.kafka.KafkaConnection.ENVIRONMENT_KEYS) {
                    String value = env.apply(name + "_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
                    if (value != null) {
                        JsonNode child = node.get(c.getName());
                        ObjectNode map = child instanceof ObjectNode o ? o : node.putObject(c.getName());
                        map.put(key, value);
                    }
                }
            } else {
                String value = env.apply(name);
                if (value != null) {
                    node.put(c.getName(), value);
                }
            }
        }
    }

    private static void collect(Class<?> type, String prefix, int accounts, List<String> out) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + envName(c.getName());
            if (c.getType().isRecord()) {
                collect(c.getType(), name + "_", accounts, out);
            } else if (List.class.isAssignableFrom(c.getType())) {
                Class<?> element = elementType(c.getGenericType());
                for (int i = 0; element != null && element.isRecord() && i < accounts; i++) {
                    collect(element, name + "_" + i + "_", accounts, out);
                }
            } else if (type == KafkaSettings.class && c.getName().equals("properties")) {
                for (String key : io.mailpipe.kafka.KafkaConnection.ENVIRONMENT_KEYS) {
                    out.add(name + "_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
                }
            } else {
                out.add(name);
            }
        }
    }

    private static Class<?> elementType(Type type) {
        if (type instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    /** {@code groupId} becomes {@code GROUP_ID}. */
    static String envName(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }
}
