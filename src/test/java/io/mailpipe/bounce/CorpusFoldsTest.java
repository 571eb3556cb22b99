package io.mailpipe.bounce;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cross-validation folds: twins together, equal sizes, independent of the order the files come in. */
class CorpusFoldsTest {
    private static List<String> files() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 53; i++) {
            out.add("eml/bsd/lhost-sample-" + i + ".eml");
            if (i % 4 == 0) {
                out.add("eml/dos/lhost-sample-" + i + ".eml");
                out.add("eml/mac/lhost-sample-" + i + ".eml");
            }
        }
        return out;
    }

    @Test
    void twinsShareTheirFold() {
        CorpusFolds folds = new CorpusFolds(files());
        for (int i = 0; i < 53; i += 4) {
            int bsd = folds.foldOf("eml/bsd/lhost-sample-" + i + ".eml");
            assertThat(folds.foldOf("eml/dos/lhost-sample-" + i + ".eml")).isEqualTo(bsd);
            assertThat(folds.foldOf("eml/mac/lhost-sample-" + i + ".eml")).isEqualTo(bsd);
        }
    }

    @Test
    void namesAreDealtEvenlyOverTheFolds() {
        CorpusFolds folds = new CorpusFolds(files());
        Map<Integer, Integer> names = new HashMap<>();
        for (int i = 0; i < 53; i++) {
            names.merge(folds.foldOf("eml/bsd/lhost-sample-" + i + ".eml"), 1, Integer::sum);
        }
        assertThat(names).containsOnlyKeys(1, 2, 3, 4, 5);
        assertThat(names.values()).allSatisfy(n -> assertThat(n).isBetween(10, 11)); // 53 names over 5 folds
    }

    @Test
    void theSplitDoesNotDependOnTheOrderOfTheFiles() {
        List<String> reversed = new ArrayList<>(files());
        java.util.Collections.reverse(reversed);
        CorpusFolds a = new CorpusFolds(files());
        CorpusFolds b = new CorpusFolds(reversed);
        for (String f : files()) {
            assertThat(b.foldOf(f)).as(f).isEqualTo(a.foldOf(f));
        }
        assertThatThrownBy(() -> a.foldOf("eml/bsd/unknown.eml")).isInstanceOf(IllegalArgumentException.class);
    }
}
