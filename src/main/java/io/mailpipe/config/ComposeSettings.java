package io.mailpipe.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.mailpipe.compose.CompositionException;
import io.mailpipe.compose.ListUnsubscribe;
import io.mailpipe.compose.MessageComposer;
import io.mailpipe.compose.TemplateRenderer;

/**
 * Message composition ({@code compose:} in mailpipe.yaml).
 *
 * @param templatesDir the templates folder: one sub-folder per template id with {@code subject.mustache} and
 *                     {@code text.mustache} and/or {@code html.mustache} (default: none; requests naming a template
 *                     are then REJECTED with unknown_template). A relative path is taken from the working directory
 * @param campaigns    settings per campaign name (the request's {@code campaign}); default none
 */
public record ComposeSettings(String templatesDir, Map<String, Campaign> campaigns) {

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
        return new ComposeSettings(null, null);
    }

    /** The composer these settings describe; mistakes fail here, at start-up, naming the key. */
    public MessageComposer composer(Clock clock) {
        TemplateRenderer templates = null;
        if (templatesDir != null && !templatesDir.isBlank()) {
            Path dir = Path.of(templatesDir.strip());
            if (!Files.isDirectory(dir)) {
                throw new ConfigException("compose.templatesDir: " + dir.toAbsolutePath()
                        + " is not a folder; create it (one sub-folder per template) or remove the key");
            }
            templates = new TemplateRenderer(dir);
        }
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
                throw new ConfigException(ex.getMessage());
            }
        }
        return new MessageComposer(clock, templates, unsubscribe);
    }
}
