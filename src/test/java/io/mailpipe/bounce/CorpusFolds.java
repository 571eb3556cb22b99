package io.mailpipe.bounce;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Splits the corpus into {@value #FOLDS} folds by file, for cross-validation: every file goes to the fold of its
 * file name without the folder, so the twins of one message ({@code eml/bsd/x.eml}, {@code eml/dos/x.eml},
 * {@code eml/mac/x.eml}) always share a fold. The names are ordered by their SHA-256 and dealt out in turn, which
 * gives folds of equal size (within one name) that do not follow the alphabet (all Postfix samples in one fold)
 * and do not change when files are added elsewhere in the order.
 */
final class CorpusFolds {
    static final int FOLDS = 5;

    private final Map<String, Integer> foldOfName = new HashMap<>();

    /** @param files corpus paths such as {@code eml/bsd/lhost-postfix-02.eml} */
    CorpusFolds(Collection<String> files) {
        TreeSet<String> byDigest = new TreeSet<>();
        Map<String, String> nameOfDigest = new HashMap<>();
        for (String f : files) {
            String name = baseName(f);
            String d = sha256(name);
            byDigest.add(d);
            nameOfDigest.put(d, name);
        }
        List<String> ordered = new ArrayList<>(byDigest);
        for (int i = 0; i < ordered.size(); i++) {
            foldOfName.put(nameOfDigest.get(ordered.get(i)), i % FOLDS + 1);
        }
    }

    /** The fold (1 to {@value #FOLDS}) of a corpus file. */
    int foldOf(String file) {
        Integer f = foldOfName.get(baseName(file));
        if (f == null) {
            throw new IllegalArgumentException("not a file of this corpus: " + file);
        }
        return f;
    }

    static String baseName(String file) {
        return file.substring(file.lastIndexOf('/') + 1);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
