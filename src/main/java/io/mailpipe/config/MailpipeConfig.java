package io.mailpipe.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.mailpipe.account.Account;

/**
 * The whole configuration of a worker: one YAML file (see {@code mailpipe.example.yaml}, every knob documented
 * there and on the records) with {@code ${ENV_VAR}} and {@code ${ENV_VAR:-default}} references resolved from the
 * environment. Unknown keys are errors, so a typo cannot silently fall back to a default.
 */
public record MailpipeConfig(KafkaSettings kafka, WorkerSettings worker, RetrySettings retry, List<Account> accounts) {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public MailpipeConfig {
        kafka = kafka == null ? KafkaSettings.defaults() : kafka;
        worker = worker == null ? WorkerSettings.defaults() : worker;
        retry = retry == null ? RetrySettings.defaults() : retry;
        accounts = List.copyOf(accounts);
    }

    /** The file's raw shape. */
    record FileShape(KafkaSettings kafka, WorkerSettings worker, RetrySettings retry, List<AccountSettings> accounts) {
    }

    public static MailpipeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, System::getenv, file.toString());
    }

    /** Parses configuration text; {@code env} resolves {@code ${NAME}} references. */
    public static MailpipeConfig parse(String yaml, Function<String, String> env, String source) {
        String resolved = substitute(yaml, env, source);
        FileShape shape;
        try {
            shape = YAML.readValue(resolved, FileShape.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown key '" + e.getPropertyName() + "' at " + path(e)
                    + "; known keys there: " + e.getKnownPropertyIds());
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException ce) {
                throw ce;
            }
            throw new ConfigException(source + ": invalid value at " + path(e) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        if (shape == null) {
            throw new ConfigException(source + ": the configuration is empty");
        }
        return new MailpipeConfig(shape.kafka(), shape.worker(), shape.retry(), AccountResolver.resolve(shape.accounts()));
    }

    public MailpipeConfig withKafka(KafkaSettings newKafka) {
        return new MailpipeConfig(newKafka, worker, retry, accounts);
    }

    public MailpipeConfig withRetry(RetrySettings newRetry) {
        return new MailpipeConfig(kafka, worker, newRetry, accounts);
    }

    public MailpipeConfig withWorker(WorkerSettings newWorker) {
        return new MailpipeConfig(kafka, newWorker, retry, accounts);
    }

    public MailpipeConfig withAccounts(List<Account> newAccounts) {
        return new MailpipeConfig(kafka, worker, retry, newAccounts);
    }

    static String substitute(String text, Function<String, String> env, String source) {
        StringBuilder out = new StringBuilder();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int comment = commentStart(line);
            String content = comment < 0 ? line : line.substring(0, comment);
            Matcher m = ENV_REF.matcher(content);
            StringBuilder replaced = new StringBuilder();
            while (m.find()) {
                String value = env.apply(m.group(1));
                if (value == null) {
                    value = m.group(2);
                }
                if (value == null) {
                    throw new ConfigException(source + " line " + (i + 1) + ": environment variable " + m.group(1)
                            + " is not set (write ${" + m.group(1) + ":-default} to give a default)");
                }
                m.appendReplacement(replaced, Matcher.quoteReplacement(value));
            }
            m.appendTail(replaced);
            out.append(replaced);
            if (comment >= 0) {
                out.append(line, comment, line.length());
            }
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** Index of a YAML comment ('#' at line start or after whitespace, outside quotes), or -1. */
    private static int commentStart(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return i;
            }
        }
        return -1;
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

    /** Unused-variable guard for callers that want the env as a map. */
    public static Function<String, String> envOf(Map<String, String> map) {
        return map::get;
    }
}
