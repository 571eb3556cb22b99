package io.mailpipe.compose;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.codes.ValueCode;
import io.mailpipe.outcome.ReasonCode;
import io.mailpipe.request.HeaderRules;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Renders campaign templates (Mustache) from {@link TemplateSource}s: a folder ({@link FolderTemplates}: template
 * {@code welcome} is {@code <dir>/welcome/}) and/or the compacted {@code mail.templates} topic. A template has a
 * subject (required) and a text and/or html body (at least one).
 *
 * <p>Rendering is strict, so that a message is never sent half-rendered:
 * <ul>
 *   <li>a template id that names no folder, or a folder without subject or body, is UNKNOWN_TEMPLATE;</li>
 *   <li>a file that does not compile (unclosed section, bad delimiter) is TEMPLATE_ERROR, naming file and line;</li>
 *   <li>a value tag ({@code {{name}}}, {@code {{{name}}}}, {@code {{&name}}}) whose variable is missing or null is
 *       TEMPLATE_VARIABLE_MISSING, naming the variable. Sections ({@code {{#flag}}}, {@code {{^flag}}}) treat a
 *       missing variable as false, as Mustache does.</li>
 * </ul>
 * {@code html.mustache} escapes values for HTML ({@code {{name}}}; {@code {{{name}}}} inserts raw HTML);
 * subject and text insert values as they are. A subject that renders to more than one line is HEADER_INJECTION.
 * Partials ({@code {{> footer}}}) are read from the templates folder.
 *
 * <p>Compiled templates are cached and compiled again when the template's version changes (a file's modification
 * time, a new record on the topic), so templates can be edited while workers run. Thread-safe.
 */
public final class TemplateRenderer implements AutoCloseable {

    /** A template id: a plain folder name. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final String SUBJECT = FolderTemplates.SUBJECT;
    static final String TEXT = FolderTemplates.TEXT;
    static final String HTML = FolderTemplates.HTML;

    private final List<TemplateSource> sources;
    private final Path partials;
    private final Map<String, Compiled> cache = new ConcurrentHashMap<>();

    /** The rendered parts; text or html may be null. */
    public record Rendered(String subject, String text, String html) {
        @Override
        public String toString() {
            return "Rendered[text=" + (text != null) + ", html=" + (html != null) + "]";
        }
    }

    /** @param dir the templates folder; it must exist */
    public TemplateRenderer(Path dir) {
        this(List.of(new FolderTemplates(dir)), dir);
    }

    /**
     * @param sources  where templates are looked up, in order (the first that has the id wins)
     * @param partials the folder partials ({@code {{> footer}}}) are read from, or null for none
     */
    public TemplateRenderer(List<TemplateSource> sources, Path partials) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("at least one template source is needed");
        }
        this.sources = List.copyOf(sources);
        this.partials = partials == null ? null : partials.toAbsolutePath().normalize();
    }

    /**
     * Renders a template with its variables.
     *
     * @throws CompositionException UNKNOWN_TEMPLATE, TEMPLATE_ERROR, TEMPLATE_VARIABLE_MISSING or HEADER_INJECTION,
     *                              naming the field ({@code template.id}, {@code template.vars.name}); never values
     */
    public Rendered render(TemplateRef ref) throws CompositionException {
        Compiled compiled = compiled(ref.id());
        String subject = run(compiled.subject, ref, SUBJECT);
        String text = compiled.text == null ? null : run(compiled.text, ref, TEXT);
        String html = compiled.html == null ? null : run(compiled.html, ref, HTML);
        if (!isOneLine(subject)) {
            subject = subject.strip();
            if (!isOneLine(subject)) {
                throw new CompositionException("template.vars", "the subject renders to more than one line or holds"
                        + " a control character; remove line breaks and control characters from the variables used in "
                        + SUBJECT, ReasonCode.HEADER_INJECTION);
            }
        }
        return new Rendered(subject, blankToNull(text), blankToNull(html));
    }

    /** Closes the sources that hold resources (the topic's consumer). */
    @Override
    public void close() {
        for (TemplateSource source : sources) {
            if (source instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not close the template source " + source, e);
                }
            }
        }
    }

    /**
     * No line break or other control character (NUL, NEL, U+2028, U+2029, ...), raw or hidden in an RFC 2047 encoded
     * word: the rendered subject becomes a header ({@link HeaderRules}).
     */
    private static boolean isOneLine(String subject) {
        return HeaderRules.indexOfLineBreakOrControl(subject) < 0 && HeaderRules.indexOfHiddenLineBreakOrControl(subject) < 0;
    }

    private static String run(Mustache mustache, TemplateRef ref, String file) throws CompositionException {
        StringWriter out = new StringWriter();
        try {
            mustache.execute(out, List.<Object>of(ref.vars())).flush();
        } catch (MissingVariable e) {
            throw new CompositionException("template.vars." + e.name, "is missing (or null) but " + ref.id() + "/"
                    + file + " uses it at line " + e.line + "; give it in template.vars", ReasonCode.TEMPLATE_VARIABLE_MISSING);
        } catch (MustacheException e) {
            MissingVariable missing = causeOf(e);
            if (missing != null) {
                throw new CompositionException("template.vars." + missing.name, "is missing (or null) but " + ref.id()
                        + "/" + file + " uses it at line " + missing.line + "; give it in template.vars",
                        ReasonCode.TEMPLATE_VARIABLE_MISSING);
            }
            throw new CompositionException("template.id", ref.id() + "/" + file + " failed to render ("
                    + e.getClass().getSimpleName() + ")", ReasonCode.TEMPLATE_ERROR);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
        }
        return out.toString();
    }

    private static MissingVariable causeOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MissingVariable m) {
                return m;
            }
        }
        return null;
    }

    private Compiled compiled(String id) throws CompositionException {
        if (id == null || !ID.matcher(id).matches()) {
            throw new CompositionException("template.id", "is not a template id (letters, digits, '.', '_', '-';"
                    + " at most 100; it names a folder under the templates folder)", ReasonCode.UNKNOWN_TEMPLATE);
        }
        TemplateSource.Template template = null;
        for (TemplateSource source : sources) {
            template = source.find(id);
            if (template != null) {
                break;
            }
        }
        if (template == null) {
            throw new CompositionException("template.id", "no template '" + id + "' exists", ReasonCode.UNKNOWN_TEMPLATE);
        }
        Compiled cached = cache.get(id);
        if (cached != null && Objects.equals(cached.version, template.version())) {
            return cached;
        }
        Compiled fresh = compile(id, template);
        cache.put(id, fresh);
        return fresh;
    }

    private Compiled compile(String id, TemplateSource.Template t) throws CompositionException {
        if (t.subject() == null) {
            throw new CompositionException("template.id", "template '" + id + "' has no " + SUBJECT,
                    ReasonCode.UNKNOWN_TEMPLATE);
        }
        if (t.text() == null && t.html() == null) {
            throw new CompositionException("template.id", "template '" + id + "' has neither " + TEXT + " nor " + HTML,
                    ReasonCode.UNKNOWN_TEMPLATE);
        }
        StrictFactory plain = new StrictFactory(partials, false);
        StrictFactory escaping = new StrictFactory(partials, true);
        return new Compiled(t.version(),
                compileOne(plain, t.subject(), id, SUBJECT),
                t.text() == null ? null : compileOne(plain, t.text(), id, TEXT),
                t.html() == null ? null : compileOne(escaping, t.html(), id, HTML));
    }

    private static Mustache compileOne(StrictFactory factory, String source, String id, String file)
            throws CompositionException {
        try {
            return factory.compile(new StringReader(source), id + "/" + file);
        } catch (MustacheException e) {
            TemplateContext where = e.getContext();
            throw new CompositionException("template.id", id + "/" + file + " is not a valid Mustache template"
                    + (where == null ? "" : " (line " + where.line() + ")") + ": " + firstLine(e.getMessage()),
                    ReasonCode.TEMPLATE_ERROR);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private record Compiled(Object version, Mustache subject, Mustache text, Mustache html) {
    }

    /** Without a partials folder, every partial is missing (so that it fails to compile, not read the classpath). */
    private static final class NoPartials implements com.github.mustachejava.MustacheResolver {
        @Override
        public java.io.Reader getReader(String resourceName) {
            return null;
        }
    }

    /** A value tag met a missing or null variable. Carries the variable's name only. */
    static final class MissingVariable extends RuntimeException {
        final String name;
        final int line;

        MissingVariable(String name, int line) {
            super("missing variable " + name, null, false, false);
            this.name = name;
            this.line = line;
        }
    }

    /** A factory whose value tags fail on missing variables, with or without HTML escaping. */
    private static final class StrictFactory extends DefaultMustacheFactory {
        private final boolean escapeHtml;

        StrictFactory(Path root, boolean escapeHtml) {
            super(root == null ? new NoPartials() : new com.github.mustachejava.resolver.FileSystemResolver(root.toFile()));
            this.escapeHtml = escapeHtml;
        }

        @Override
        public void encode(String value, Writer writer) {
            if (escapeHtml) {
                super.encode(value, writer);
                return;
            }
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("failed to write a value", e);
            }
        }

        @Override
        public MustacheVisitor createMustacheVisitor() {
            return new DefaultMustacheVisitor(this) {
                @Override
                public void value(TemplateContext tc, String variable, boolean encoded) {
                    list.add(new StrictValueCode(tc, df, variable, encoded));
                }
            };
        }
    }

    private static final class StrictValueCode extends ValueCode {
        StrictValueCode(TemplateContext tc, DefaultMustacheFactory df, String variable, boolean encoded) {
            super(tc, df, variable, encoded);
        }

        @Override
        public Writer execute(Writer writer, List<Object> scopes) {
            if (!".".equals(name) && get(scopes) == null) {
                throw new MissingVariable(name, tc.line());
            }
            return super.execute(writer, scopes);
        }
    }
}
