package io.mailpipe.compose;

import io.mailpipe.outcome.ReasonCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Templates in a folder: template {@code welcome} is {@code <dir>/welcome/} with {@code subject.mustache},
 * {@code text.mustache} and/or {@code html.mustache} (UTF-8). The files' modification times are the version, so an
 * edited template is compiled again.
 */
public final class FolderTemplates implements TemplateSource {

    static final String SUBJECT = "subject.mustache";
    static final String TEXT = "text.mustache";
    static final String HTML = "html.mustache";

    private final Path dir;

    /** @param dir the templates folder; it must exist */
    public FolderTemplates(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
        if (!Files.isDirectory(this.dir)) {
            throw new IllegalArgumentException("templates folder " + this.dir + " does not exist or is not a folder");
        }
    }

    /** The folder (also where partials are read from). */
    public Path dir() {
        return dir;
    }

    @Override
    public Template find(String id) throws CompositionException {
        Path folder = dir.resolve(id);
        if (!Files.isDirectory(folder)) {
            return null;
        }
        List<FileTime> stamps = new ArrayList<>(3);
        for (String name : List.of(SUBJECT, TEXT, HTML)) {
            try {
                stamps.add(Files.getLastModifiedTime(folder.resolve(name)));
            } catch (IOException e) {
                stamps.add(null);
            }
        }
        return new Template(read(folder.resolve(SUBJECT), id), read(folder.resolve(TEXT), id),
                read(folder.resolve(HTML), id), stamps, id + "/");
    }

    private static String read(Path file, String id) throws CompositionException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            return null;
        } catch (CharacterCodingException e) {
            throw new CompositionException("template.id", id + "/" + file.getFileName() + " is not UTF-8",
                    ReasonCode.TEMPLATE_ERROR);
        } catch (IOException e) {
            throw new CompositionException("template.id", id + "/" + file.getFileName() + " cannot be read ("
                    + e.getClass().getSimpleName() + ")", ReasonCode.TEMPLATE_ERROR);
        }
    }
}
