package io.mailpipe.loadtest;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.mailpipe.loadtest.RestoreRun.Kind;
import io.mailpipe.loadtest.RestoreRun.Measurement;
import io.mailpipe.loadtest.RestoreWatch.WorkerRestore;

/**
 * A picture of a restore run against history size: time to ready (1 worker; the slowest of the workers started together)
 * on the left axis, the worker's live heap after a full GC and its resident set size on the right (XChart PNG, headless).
 */
final class RestoreChart {

    private RestoreChart() {
    }

    /** Writes the chart to {@code png}; false (nothing written) when no size was measured. */
    static boolean write(RestoreRun run, Path png) throws IOException {
        List<Measurement> one = run.of(Kind.ONE);
        if (one.isEmpty()) {
            return false;
        }
        System.setProperty("java.awt.headless", "true");
        String commit = run.gitVersion().split(" ")[0] + (run.gitVersion().contains(" ") ? "+" : "");
        XYChart chart = new XYChartBuilder().width(1250).height(560)
                .title("Delivery ledger restore, worker -Xmx" + run.options().heap + " (" + run.runId() + ", " + commit + ")")
                .xAxisTitle("history: terminal outcomes on mail.outcomes, millions").yAxisTitle("seconds from process start to ready")
                .build();
        chart.setYAxisGroupTitle(1, "MB");
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0, 0.0);
        chart.getStyler().setYAxisMin(1, 0.0);
        series(chart, "1 worker: time to ready, s", one, w -> w.readySeconds(), 0);
        List<Measurement> many = run.of(Kind.MANY);
        if (!many.isEmpty()) {
            int n = many.get(0).workers().size();
            series(chart, n + " workers: slowest time to ready, s", many, w -> w.readySeconds(), 0);
        }
        series(chart, "1 worker: heap after full GC, MB", one, w -> w.heapAfterGc() / 1_048_576.0, 1)
                .setLineStyle(SeriesLines.DASH_DASH);
        series(chart, "1 worker: heap peak while restoring, MB", one, w -> w.peakHeap() / 1_048_576.0, 1)
                .setLineStyle(SeriesLines.DOT_DOT);
        series(chart, "1 worker: RSS when ready, MB", one, w -> w.rss() / 1_048_576.0, 1).setLineStyle(SeriesLines.DASH_DOT);
        double[] x = one.stream().mapToDouble(m -> m.historyTerminal() / 1e6).toArray();
        XYSeries target = chart.addSeries("target: ready <= " + (int) RestoreReport.READY_TARGET_SECONDS + " s",
                new double[] {0, x[x.length - 1]}, new double[] {RestoreReport.READY_TARGET_SECONDS, RestoreReport.READY_TARGET_SECONDS});
        target.setMarker(SeriesMarkers.NONE);
        target.setLineColor(Color.GRAY);
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
        return Files.isRegularFile(png);
    }

    /** One value per measurement: the slowest worker's (the one that was ready last). */
    private static XYSeries series(XYChart chart, String name, List<Measurement> measurements, ToDoubleFunction<WorkerRestore> value,
                                   int axis) {
        double[] x = measurements.stream().mapToDouble(m -> m.historyTerminal() / 1e6).toArray();
        double[] y = measurements.stream().mapToDouble(m -> value.applyAsDouble(m.slowest())).toArray();
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setYAxisGroup(axis);
        return s;
    }
}
