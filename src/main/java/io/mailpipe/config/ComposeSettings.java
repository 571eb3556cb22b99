package io.mailpipe.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mailpipe.compose.CompositionException;
import io.mailpipe.compose.ListUnsubscribe;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.FolderTemplates;
import io.mailpipe.compose.TemplateRenderer;
import io.mailpipe.compose.TemplateSource;
import io.mailpipe.kafka.TemplateTopic;

/**
 * Message composition ({@code compose:} in mailpipe.yaml).
 *
 * @param templatesDir the templates folder: one sub-folder per template id with {@code subject.mustache} and
 *                     {@code text.mustache} and/or {@code html.mustache} (default: none; requests naming a template
 *                     are then REJECTED with unknown_template). A relative path is taken from the working directory
 * @param campaigns    settings per campaign name (the request's {@code campaign}); default none
 * @param templatesTopic a compacted topic of templates (key = template id, value = JSON with subject, text, html),
 *                     e.g. {@code mail.templates}; it wins over the folder for the ids it has (default: none)
 */
public record ComposeSettings(String templatesDir, Map<String, Campaign> campaigns, String templatesTopic) {

    /** Settings without a templates topic. */
    public ComposeSettings(String templatesDir, Map<String, Campaign> campaigns) {
        this(templatesDir, campaigns, null);
    }

    /**
     * One campaign.
     *
     * @param listUnsubscribe the unsubscribe link of the campaign's mail, used when a request gives none itself
     */
    public record Campaign(Unsubscribe listUnsubscribe) {
    }

    /**
     * An unsubscribe link (RFC 2369 {@code List-Unsubscribe}; with {@code url}, RFC 8058 one-click).
     *
     * @param url    an https:// URL that unsubscribes on POST
     * @param mailto an address (or mailto: URI) that unsubscribes by mail
     */
    public record Unsubscribe(String url, String mailto) {
    }

    public ComposeSettings {
        campaigns = campaigns == null ? Map.of() : Map.copyOf(campaigns);
    }

    public static ComposeSettings defaults() {
        return new ComposeSettings(null, null, null);
    }

    /** The composer these settings describe, without a templates topic; mistakes fail here, naming the key. */
    public MessageComposer composer(Clock clock) {
        return composer(clock, null);
    }

    /**
     * The composer these settings describe; with {@code templatesTopic}, the topic is read to its end first (and
     * created, compacted, when {@code kafka.createTopics}). Close the composer to stop following the topic.
     */
    public MessageComposer composer(Clock clock, KafkaSettings kafka) {
        List<TemplateSource> sources = new ArrayList<>();
        Path dir = null;
        if (templatesTopic != null && !templatesTopic.isBlank()) {
            if (kafka == null) {
                throw new ConfigException("compose.templatesTopic needs the kafka settings");
            }
            sources.add(TemplateTopic.start(kafka.connection(), templatesTopic.strip(), kafka.createTopics(),
                    kafka.replicationFactor(), Duration.ofMinutes(1)));
        }
        if (templatesDir != null && !templatesDir.isBlank()) {
            dir = Path.of(templatesDir.strip());
            if (!Files.isDirectory(dir)) {
                closeAll(sources);
                throw new ConfigException("compose.templatesDir: " + dir.toAbsolutePath()
                        + " is not a folder; create it (one sub-folder per template) or remove the key");
            }
            sources.add(new FolderTemplates(dir));
        }
        TemplateRenderer templates = sources.isEmpty() ? null : new TemplateRenderer(sources, dir);
        Map<String, ListUnsubscribe> unsubscribe = new LinkedHashMap<>();
        for (Map.Entry<String, Campaign> e : campaigns.entrySet()) {
            Campaign c = e.getValue();
            if (c == null || c.listUnsubscribe() == null) {
                continue;
            }
            String where = "compose.campaigns." + e.getKey() + ".listUnsubscribe";
            try {
                unsubscribe.put(e.getKey(), ListUnsubscribe.of(c.listUnsubscribe().url(), c.listUnsubscribe().mailto(), where));
            } catch (CompositionException ex) {
                if (templates != null) {
                    templates.close();
                }
                throw new ConfigException(ex.getMessage());
            }
        }
        return new MessageComposer(clock, templates, unsubscribe);
    }

    private static void closeAll(List<TemplateSource> sources) {
        for (TemplateSource s : sources) {
            if (s instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing after a failed start: the start failure is what matters
                }
            }
        }
    }
}
