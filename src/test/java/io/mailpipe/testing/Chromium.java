package io.mailpipe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

/**
 * Headless Chromium (Debian package chromium) for tests: a screenshot or the DOM of a local file, each run with a fresh
 * profile and nothing that reaches the network on its own.
 */
public final class Chromium {
    private final Path binary;
    private final Path work;

    private Chromium(Path binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /** Chromium, or a skip (a failure with -Dmailpipe.requireChromium=true) when it is not installed. */
    public static Chromium require(Path work) {
        return new Chromium(ExternalTools.require("chromium", "chromium", "mailpipe.requireChromium"), work);
    }

    private String run(List<String> extra, Path page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=" + profile));
        command.addAll(extra);
        command.add(page.toUri().toString());
        Process p = new ProcessBuilder(command).redirectError(work.resolve("chromium.err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return out;
    }

    /** The page's DOM after it rendered. */
    public String dumpDom(Path page) throws IOException, InterruptedException {
        return run(List.of("--dump-dom"), page);
    }

    /** A PNG screenshot of the page, {@code width} x {@code height}. */
    public Path screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height), page);
        assertThat(png).as("screenshot written").exists();
        return png;
    }

    /** How many distinct colours the image holds, and what share of its pixels are not white. */
    public record Pixels(int colours, double nonWhite) {
    }

    public static Pixels pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        return new Pixels(colours.size(), (double) nonWhite / ((long) image.getWidth() * image.getHeight()));
    }
}
