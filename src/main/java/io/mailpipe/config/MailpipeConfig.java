package io.mailpipe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mailpipe.account.Account;

/**
 * The whole configuration of a worker: one YAML file (see {@code mailpipe.example.yaml}, every knob documented
 * there and on the records) with {@code ${ENV_VAR}} and {@code ${ENV_VAR:-default}} references resolved from the
 * environment, and single keys overridden by {@code MAILPIPE_...} variables ({@link EnvOverrides}). Unknown keys
 * are errors, so a typo cannot silently fall back to a default.
 */
public record MailpipeConfig(KafkaSettings kafka, WorkerSettings worker, RetrySettings retry, QuotaSettings quota,
                             List<Account> accounts, List<BounceMailbox> bounces, SuppressionSettings suppression,
                             ManagementSettings management, ComposeSettings compose, SmtpSettings smtp, CliSettings cli) {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public MailpipeConfig {
        kafka = kafka == null ? KafkaSettings.defaults() : kafka;
        worker = worker == null ? WorkerSettings.defaults() : worker;
        retry = retry == null ? RetrySettings.defaults() : retry;
        quota = quota == null ? QuotaSettings.defaults() : quota;
        accounts = List.copyOf(accounts);
        bounces = bounces == null ? List.of() : List.copyOf(bounces);
        suppression = suppression == null ? SuppressionSettings.defaults() : suppression;
        management = management == null ? ManagementSettings.defaults() : management;
        compose = compose == null ? ComposeSettings.defaults() : compose;
        smtp = smtp == null ? SmtpSettings.defaults() : smtp;
        cli = cli == null ? CliSettings.defaults() : cli;
        if (worker.stateRetention().compareTo(retry.maxAge()) <= 0) {
            throw new ConfigException("worker.stateRetention (" + worker.stateRetention() + ") must be longer than retry.maxAge ("
                    + retry.maxAge() + "): the delivery ledger would forget requests that may still come back as retries");
        }
    }

    /** Default quota, management and composition settings, no bounce mailboxes, the suppression list with its defaults. */
    public MailpipeConfig(KafkaSettings kafka, WorkerSettings worker, RetrySettings retry, List<Account> accounts) {
        this(kafka, worker, retry, null, accounts, null, null, null, null, null, null);
    }

    /** The file's raw shape. */
    record FileShape(KafkaSettings kafka, WorkerSettings worker, RetrySettings retry, QuotaSettings quota,
                     List<AccountSettings> accounts, List<BounceMailbox.Settings> bounces, SuppressionSettings suppression,
                     ManagementSettings management, ComposeSettings compose, SmtpSettings smtp, CliSettings cli) {
    }

    public static MailpipeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, System.getenv(), file.toString());
    }

    /**
     * Parses configuration text with the whole environment: as {@link #parse(String, Function, String)}, and moreover
     * a {@code MAILPIPE_} variable that names no key is an error (like an unknown key in the file), and a bad value
     * given by an override is reported against its variable, not the file.
     */
    public static MailpipeConfig parse(String yaml, java.util.Map<String, String> env, String source) {
        java.util.Set<String> consulted = new java.util.HashSet<>();
        MailpipeConfig config;
        try {
            config = parse(yaml, env::get, name -> {
                consulted.add(name);
                return env.get(name);
            }, source);
        } catch (ConfigException e) {
            throw blame(e, yaml, env, consulted, source);
        }
        String unknown = EnvOverrides.unknown(env, consulted);
        if (unknown != null) {
            throw new ConfigException(unknown);
        }
        return config;
    }

    /** The failure, reported against the override variable that causes it when the file alone is fine. */
    private static ConfigException blame(ConfigException failure, String yaml, java.util.Map<String, String> env,
                                         java.util.Set<String> consulted, String source) {
        java.util.List<String> applied = consulted.stream().filter(env::containsKey).sorted().toList();
        if (applied.isEmpty()) {
            return failure;
        }
        try {
            parse(yaml, env::get, name -> null, source);
        } catch (ConfigException fileAlone) {
            return failure; // the file is wrong by itself
        }
        for (String variable : applied) {
            try {
                parse(yaml, env::get, name -> name.equals(variable) ? env.get(name) : null, source);
            } catch (ConfigException e) {
                String message = e.getMessage();
                String prefix = source + ": ";
                return new ConfigException("environment variable " + variable + ": "
                        + (message.startsWith(prefix) ? message.substring(prefix.length()) : message));
            }
        }
        return new ConfigException(failure.getMessage() + " (with the overrides " + String.join(", ", applied) + ")");
    }

    /**
     * Parses configuration text; {@code env} resolves {@code ${NAME}} references. References are resolved in the
     * parsed values (not in the text), so a value may hold any character and comments are never substituted.
     */
    public static MailpipeConfig parse(String yaml, Function<String, String> env, String source) {
        return parse(yaml, env, env, source);
    }

    /** As above; {@code overrides} answers for the MAILPIPE_ override variables, {@code env} for references. */
    private static MailpipeConfig parse(String yaml, Function<String, String> env, Function<String, String> overrides,
                                        String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull() || (tree.isObject() && tree.isEmpty())) {
            throw new ConfigException(source + ": the configuration is empty");
        }
        if (!tree.isObject()) {
            throw new ConfigException(source + ": the top level must be a mapping (kafka:, worker:, retry:, quota:, accounts:, bounces:, suppression:, management:, compose:, smtp:, cli:)");
        }
        JsonNode resolved = substitute(tree, env, source, "");
        EnvOverrides.apply((ObjectNode) resolved, overrides);
        FileShape shape;
        try {
            shape = YAML.treeToValue(resolved, FileShape.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown key '" + e.getPropertyName() + "' at " + path(e)
                    + "; known keys there: " + e.getKnownPropertyIds());
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce) {
                throw ce;
            }
            // the original message may quote the value, which may be a secret: name the place and the type only
            throw new ConfigException(source + ": invalid value at " + path(e) + (e.getPath().isEmpty() ? ""
                    : " (expected " + expected(e) + ")"));
        } catch (IOException e) {
            throw new ConfigException(source + ": " + firstLine(e.getMessage()));
        }
        return new MailpipeConfig(shape.kafka(), shape.worker(), shape.retry(), shape.quota(),
                AccountResolver.resolve(shape.accounts()),
                BounceMailbox.resolve(shape.bounces()), shape.suppression(), shape.management(),
                shape.compose(), shape.smtp(), shape.cli());
    }

    public MailpipeConfig withKafka(KafkaSettings newKafka) {
        return new MailpipeConfig(newKafka, worker, retry, quota, accounts, bounces, suppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withRetry(RetrySettings newRetry) {
        return new MailpipeConfig(kafka, worker, newRetry, quota, accounts, bounces, suppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withWorker(WorkerSettings newWorker) {
        return new MailpipeConfig(kafka, newWorker, retry, quota, accounts, bounces, suppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withAccounts(List<Account> newAccounts) {
        return new MailpipeConfig(kafka, worker, retry, quota, newAccounts, bounces, suppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withBounces(List<BounceMailbox> newBounces) {
        return new MailpipeConfig(kafka, worker, retry, quota, accounts, newBounces, suppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withSuppression(SuppressionSettings newSuppression) {
        return new MailpipeConfig(kafka, worker, retry, quota, accounts, bounces, newSuppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withQuota(QuotaSettings newQuota) {
        return new MailpipeConfig(kafka, worker, retry, newQuota, accounts, bounces, suppression, management, compose, smtp, cli);
    }

    public MailpipeConfig withManagement(ManagementSettings newManagement) {
        return new MailpipeConfig(kafka, worker, retry, quota, accounts, bounces, suppression, newManagement, compose, smtp, cli);
    }

    public MailpipeConfig withSmtp(SmtpSettings newSmtp) {
        return new MailpipeConfig(kafka, worker, retry, quota, accounts, bounces, suppression, management, compose, newSmtp, cli);
    }

    public MailpipeConfig withCompose(ComposeSettings newCompose) {
        return new MailpipeConfig(kafka, worker, retry, quota, accounts, bounces, suppression, management, newCompose, smtp, cli);
    }

    /** Resolves {@code ${NAME}} and {@code ${NAME:-default}} in every string value of the tree. */
    static JsonNode substitute(JsonNode node, Function<String, String> env, String source, String where) {
        if (node.isTextual()) {
            return TextNode.valueOf(substitute(node.textValue(), env, source, where));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(),
                    substitute(e.getValue(), env, source, where.isEmpty() ? e.getKey() : where + "." + e.getKey())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(substitute(node.get(i), env, source, where + "[" + i + "]"));
            }
            return copy;
        }
        return node;
    }

    /** Like the shell: {@code ${NAME:-default}} takes the default when NAME is unset or empty. */
    static String substitute(String value, Function<String, String> env, String source, String where) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.apply(m.group(1));
            if ((resolved == null || resolved.isEmpty()) && m.group(2) != null) {
                resolved = m.group(2);
            }
            if (resolved == null) {
                throw new ConfigException(source + ": " + where + " refers to environment variable " + m.group(1)
                        + ", which is not set (write ${" + m.group(1) + ":-default} to give a default)");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String expected(com.fasterxml.jackson.databind.JsonMappingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi && mi.getTargetType() != null) {
            return mi.getTargetType().getSimpleName();
        }
        return "another kind of value";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "top level" : sb.toString();
    }

}
