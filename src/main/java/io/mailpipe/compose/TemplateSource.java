package io.mailpipe.compose;

/**
 * Where {@link TemplateRenderer} finds the Mustache sources of a template: a folder ({@link FolderTemplates}) or the
 * compacted {@code mail.templates} topic ({@code io.mailpipe.kafka.TemplateTopic}).
 */
public interface TemplateSource {

    /**
     * The sources of one template.
     *
     * @param subject the subject template; null when the source has the template but without a subject
     * @param text    the plain-text template, or null
     * @param html    the HTML template, or null
     * @param version changes whenever the template changes (file times, record offset); compiled templates are
     *                cached by it
     * @param where   where it comes from, for messages ({@code welcome/}, {@code mail.templates[welcome]})
     */
    record Template(String subject, String text, String html, Object version, String where) {
        @Override
        public String toString() {
            return "Template[" + where + "]";
        }
    }

    /**
     * The template with this id (already checked against {@link TemplateRenderer#ID}), or null when this source has
     * none.
     *
     * @throws CompositionException TEMPLATE_ERROR when the template exists but cannot be read
     */
    Template find(String id) throws CompositionException;
}
