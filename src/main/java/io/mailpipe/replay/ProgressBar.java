package io.mailpipe.replay;

/** A one-line text progress bar: {@code [##########..........]  10/20  50%}. */
public final class ProgressBar {
    private final int width;

    public ProgressBar(int width) {
        this.width = width;
    }

    public String render(int done, int total) {
        int filled = total <= 0 ? width : (int) ((long) width * done / total);
        int percent = total <= 0 ? 100 : (int) (100L * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + " " + percent + "%";
    }
}
